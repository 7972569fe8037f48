import type { VaultClient } from '../../src/vault/client.ts';
import { VaultResponseError } from '../../src/vault/errors.ts';
import { parseVaultResponse } from '../../src/vault/parse-response.ts';
import type { VaultMethod } from '../../src/vault/types.ts';
import type { FakeTime } from '../timing/fake-time.ts';

/** One request the renewer sent, at fake time `at`. */
export interface Call {
  method: VaultMethod;
  path: string;
  token?: string;
  body?: Record<string, unknown>;
  at: number;
}

/** What a scripted handler answers: a wire body, an error, or undefined for 204. */
export type Answer = Record<string, unknown> | VaultResponseError | undefined;

/** A VaultClient answering from `handle`, recording every call with the fake clock's time. */
export function fakeVault(
  time: FakeTime,
  handle: (call: Call) => Answer,
): VaultClient & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    address: 'http://vault.test/',
    calls,
    async request(method, path, opts = {}) {
      opts.signal?.throwIfAborted();
      const call: Call = {
        method,
        path,
        at: time.now(),
        ...(opts.token ? { token: opts.token } : {}),
        ...(opts.body ? { body: opts.body as Record<string, unknown> } : {}),
      };
      calls.push(call);
      const answer = handle(call);
      if (answer instanceof VaultResponseError) throw answer;
      if (answer === undefined) return undefined;
      return parseVaultResponse(wire(answer));
    },
    async raw() {
      throw new Error('raw() is not used by the renewer');
    },
    close: () => undefined,
  };
}

function wire(partial: Record<string, unknown>): Record<string, unknown> {
  return {
    request_id: 'r',
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...partial,
  };
}

/** An `auth` answer (login, renew-self) granting `ttlSeconds`. */
export function authAnswer(
  token: string,
  ttlSeconds: number,
  extra: { renewable?: boolean; warnings?: string[] } = {},
): Record<string, unknown> {
  return {
    warnings: extra.warnings ?? null,
    auth: {
      client_token: token,
      accessor: `accessor-of-${token}`,
      policies: ['default'],
      token_policies: ['default'],
      metadata: null,
      lease_duration: ttlSeconds,
      renewable: extra.renewable ?? true,
      entity_id: '',
      token_type: 'service',
      orphan: true,
      num_uses: 0,
    },
  };
}

/** A leased secret or sys/leases/renew answer. */
export function leaseAnswer(
  leaseId: string,
  ttlSeconds: number,
  data: Record<string, unknown> | null = null,
): Record<string, unknown> {
  return { lease_id: leaseId, lease_duration: ttlSeconds, renewable: true, data };
}

export function vaultError(
  method: VaultMethod,
  path: string,
  status: number,
  errors: string[],
  retryAfterMs?: number,
): VaultResponseError {
  return new VaultResponseError({
    method,
    path,
    status,
    errors,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export const INVALID_TOKEN = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';
