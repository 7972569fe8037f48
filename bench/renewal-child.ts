// One measured run of renewal-cycles.ts, in a `node --expose-gc` child: picks the Vault
// client (scripted in process, or keyturn's real client over HTTP) and drives the renewer.
import type { Redactor } from '../src/log/redactor.ts';
import type { SecretData } from '../src/sources/read-secret.ts';
import { createVaultClient, type VaultClient } from '../src/vault/client.ts';
import { authAnswer, fakeVault, leaseAnswer, vaultError } from '../test/agent/fake-vault.ts';
import type { FakeTime } from '../test/timing/fake-time.ts';
import { type DriveOptions, drive } from './renewal-driver.ts';

export interface ChildParams {
  mode: 'fake' | 'http';
  cycles: number;
  leak: boolean;
  /** http only: the test server, a login's token and a database lease made by the parent. */
  addr?: string;
  token?: { token: string; accessor: string; ttlMs: number };
  lease?: { id: string; durationMs: number };
  creds?: Record<string, unknown>;
}

const HOUR_S = 3600;
const LEASE_S = 3 * HOUR_S;
const KV = { key: 'value-0123456789' };

/** Vault as the renewer sees it: renew-self grants 1 h, a lease renewal 3 h, KV v1 reads. */
function scripted(time: FakeTime, count: (path: string) => void): VaultClient {
  const vault = fakeVault(time, (call) => {
    vault.calls.length = 0; // fakeVault records every call; the renewer keeps none
    count(call.path);
    if (call.path === 'auth/token/renew-self') return authAnswer('t0', HOUR_S);
    if (call.path === 'sys/leases/renew') return leaseAnswer(String(call.body?.lease_id), LEASE_S);
    if (call.path === 'kv/app/cfg') return { data: KV };
    if (call.path.startsWith('sys/internal/ui/mounts/'))
      return { data: { path: 'kv/', type: 'kv', options: { version: '1' } } };
    return vaultError(call.method, call.path, 404, []);
  });
  return vault;
}

/** keyturn's own client against the test server, counting requests by path. */
function overHttp(addr: string, redactor: Redactor, count: (path: string) => void): VaultClient {
  const client = createVaultClient({ address: addr, timeoutMs: 10_000, redactor });
  return {
    ...client,
    address: client.address,
    request: (method, path, opts) => {
      count(path);
      return client.request(method, path, opts);
    },
  };
}

export async function runChild(params: ChildParams) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const http = params.mode === 'http';
  if (http && !(params.addr && params.token && params.lease)) throw new Error('http needs a login');
  const lease = params.lease ?? { id: 'database/creds/app/fake-lease', durationMs: LEASE_S * 1000 };
  const secrets: SecretData[] = [
    {
      data: params.creds ?? { username: 'v-app-user', password: 'A1a-fake-password' },
      lease: { ...lease, renewable: true },
    },
    { data: KV },
  ];
  const options: DriveOptions = {
    cycles: params.cycles,
    sampleEvery: params.cycles / 10,
    leak: params.leak,
    client: (time, count, redactor) =>
      http ? overHttp(params.addr as string, redactor, count) : scripted(time, count),
    token: params.token ?? { token: 't0', accessor: 'accessor-of-t0', ttlMs: HOUR_S * 1000 },
    secrets,
  };
  return drive(options);
}
