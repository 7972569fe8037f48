import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Clock } from '../vault-server/index.ts';
import { logLines, type RunOptions, type RunResult, runKeyturn } from './run-keyturn.ts';
import { type AppRoleSetup, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

/** Fast failure settings: a retry loop that wrongly runs shows up as seconds, not minutes. */
export const fastVault =
  'vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 2s } }';

export const apiKey = 'api-key-7c1f0e5a9b';

export interface AuthWorld extends AsyncDisposable {
  vault: Awaited<ReturnType<typeof startVaultServer>>;
  dir: string;
  app: AppRoleSetup;
  /** Writes keyturn.yaml: `auth.approle` from `approle` lines, a token sink and one KV secret. */
  writeConfig(approle: string, vaultLine?: string): Promise<string>;
  /** `keyturn prestart --config <it> --log-level debug`, in `dir`, with VAULT_ADDR set. */
  prestart(config: string, options?: RunOptions, extraArgs?: string[]): Promise<RunResult>;
  out(name: string): string;
  /** Requests the server logged from index `from` on, by path. */
  paths(from?: number): string[];
  /** The secret ID a login carried (the unwrapped one, when keyturn unwrapped). */
  loginSecretIds(): string[];
  /** The output a successful run leaves: the API key file and a live token in the sink. */
  expectFilesWritten(): Promise<string>;
}

/**
 * The auth tests' world: a test server with KV v1 at kv/ (one secret), AppRole role `app`
 * (extra role fields from `role`), and a temp dir that the config and out/ live in.
 */
export async function authWorld(
  options: { clock?: Clock; role?: Record<string, unknown> } = {},
): Promise<AuthWorld> {
  const vault = await startVaultServer(options.clock ? { clock: options.clock } : {});
  const temp = await tempDir();
  await vault.write('sys/mounts/kv', { type: 'kv', options: { version: '1' } });
  await vault.write('kv/app/api', { key: apiKey });
  const app = await setupApp(vault, options.role);
  const dir = temp.path;
  const out = (name: string) => join(dir, 'out', name);
  return {
    vault,
    dir,
    app,
    out,
    writeConfig: async (approle, vaultLine = fastVault) => {
      const path = join(dir, 'keyturn.yaml');
      const indented = approle
        .trim()
        .split('\n')
        .map((line) => `    ${line.trim()}`)
        .join('\n');
      await writeFile(
        path,
        `${vaultLine}\nauth:\n  approle:\n${indented}\ntoken:\n  sink: { path: out/token }\n` +
          'secrets:\n  - { path: kv/app/api, field: key, to: out/api-key }\n',
      );
      return path;
    },
    prestart: (config, runOptions = {}, extraArgs = []) =>
      runKeyturn(['prestart', '--config', config, '--log-level', 'debug', ...extraArgs], {
        cwd: dir,
        ...runOptions,
        env: { VAULT_ADDR: vault.addr, ...runOptions.env },
      }),
    paths: (from = 0) => vault.requests.slice(from).map((r) => r.path),
    loginSecretIds: () =>
      vault.requests
        .filter((r) => r.path === 'auth/approle/login')
        .map((r) => String(r.body.secret_id)),
    expectFilesWritten: async () => {
      expect(await readFile(out('api-key'), 'utf8')).toBe(apiKey);
      const token = (await readFile(out('token'), 'utf8')).trim();
      expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(200);
      return token;
    },
    [Symbol.asyncDispose]: async () => {
      await vault.close();
      await temp[Symbol.asyncDispose]();
    },
  };
}

/** The refusal keyturn printed last (its final error line). */
export function errorMessage(result: RunResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('{'));
  const errors = lines
    .map((l) => JSON.parse(l))
    .filter((l) => l.level === 'error' || l.level === 50);
  return errors.map((l) => String(l.msg)).join('\n');
}

/** Calls `then` once, as soon as stderr (so far) contains `text`. */
export function whenStderrHas(text: string, then: () => void): (chunk: string) => void {
  let seen = '';
  let done = false;
  return (chunk) => {
    seen += chunk;
    if (!done && seen.includes(text)) {
      done = true;
      then();
    }
  };
}

/** The run's "<call> failed; retrying" log lines. */
export const retried = (result: RunResult, call: string) =>
  logLines(result).filter((l) => l.msg === `${call} failed; retrying`);
