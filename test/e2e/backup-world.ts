import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type RunResult, runKeyturn } from './run-keyturn.ts';
import type { VaultServer } from './vault-fixture.ts';

export const passphrase = 'correct horse battery staple 42';

/** Secrets the backup tests handle: every value is scanned for in keyturn's output. */
export const appSecrets: Record<string, Record<string, string>> = {
  db: { username: 'app-user', password: 'db-pass-Zq8v1' },
  api: { key: 'api-key-Hh3k9x' },
  'nested/deep/cert': { pem: 'line-one-AAAA\nline-two-BBBB', note: 'multi\u00e9-line' },
  'nested/token': { value: 'tok-77-rrrPq' },
};

/** Every value of appSecrets plus the passphrase, labelled for expectNoSecrets. */
export function allValues(extra: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = { passphrase, ...extra };
  for (const [path, data] of Object.entries(appSecrets)) {
    for (const [key, value] of Object.entries(data)) values[`${path}.${key}`] = value;
  }
  return values;
}

async function ok(promise: ReturnType<VaultServer['write']>, what: string) {
  const response = await promise;
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${response.text}`);
  return response;
}

/** Writes appSecrets under `<mount>/<folder>` of a KV v1 or v2 mount. */
export async function seed(vault: VaultServer, mount: string, folder: string, kv: 1 | 2) {
  for (const [path, data] of Object.entries(appSecrets)) {
    const at = kv === 2 ? `${mount}/data/${folder}${path}` : `${mount}/${folder}${path}`;
    await ok(vault.write(at, kv === 2 ? { data } : data), `write ${at}`);
  }
}

/** Reads back a secret's fields from a KV v1 or v2 mount (undefined when absent). */
export async function readBack(vault: VaultServer, mount: string, path: string, kv: 1 | 2) {
  const res = await vault.read(kv === 2 ? `${mount}/data/${path}` : `${mount}/${path}`);
  if (res.status === 404) return undefined;
  return kv === 2 ? res.body.data.data : res.body.data;
}

export async function mountKv1(vault: VaultServer, path = 'kv') {
  await ok(vault.write(`sys/mounts/${path}`, { type: 'kv', options: { version: '1' } }), 'mount');
}

export function backup(vault: VaultServer, args: string[], cwd: string, stdin = { passphrase }) {
  return runKeyturn(['backup', '--input-json', ...args], {
    cwd,
    env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken },
    stdin: JSON.stringify(stdin),
    timeoutMs: 30_000,
  });
}

export function restore(vault: VaultServer, args: string[], cwd: string, stdin = { passphrase }) {
  return runKeyturn(['restore', '--input-json', ...args], {
    cwd,
    env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken },
    stdin: JSON.stringify(stdin),
    timeoutMs: 30_000,
  });
}

/** Writes to KV (data, metadata) that a run made, from the server's request log. */
export const kvWrites = (vault: VaultServer) =>
  vault.requests.filter(
    (r) => (r.method === 'POST' || r.method === 'PUT') && !r.path.startsWith('sys/'),
  );

export function expectOk(result: RunResult): void {
  expect(result.code, result.stderr).toBe(0);
}

/** The archive's bytes: the header line, and the rest, in which no path or value may appear. */
export async function archiveText(dir: string, name = 'app.ktb') {
  const bytes = await readFile(join(dir, name));
  const newline = bytes.indexOf(0x0a);
  return { header: bytes.subarray(0, newline).toString('utf8'), bytes };
}
