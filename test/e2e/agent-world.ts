import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseEngine } from '../vault-server/engines/database-engine.ts';
import type { VaultServer } from './vault-fixture.ts';

/** Fast retries and timeouts: a renewer's backoff must fit inside second-long test TTLs. */
export const fastVault = `vault: { retry: { initial: 50ms, max: 200ms, give_up_after: 2s }, timeout: 2s }`;

/** Writes `keyturn.yaml` (with `state_dir: state`) into `dir`; returns its path. */
export async function writeAgentConfig(dir: string, body: string): Promise<string> {
  const path = join(dir, 'keyturn.yaml');
  await writeFile(path, `${fastVault}\nstate_dir: state\n${body}`);
  return path;
}

/** The test server's database engine, to see which users (credentials) are alive. */
export function databaseEngine(vault: VaultServer): DatabaseEngine {
  const engine = vault.core.mounts.find('database/')?.engine;
  if (!engine) throw new Error('no database engine mounted');
  return engine as DatabaseEngine;
}

/** Polls `read` until `accept` holds, or fails after `timeoutMs` with the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A file's text, or '' when it does not exist (yet). */
export async function textOf(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}
