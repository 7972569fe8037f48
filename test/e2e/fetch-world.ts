import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { EngineResponse } from '../vault-server/backend.ts';
import { expectNoSecrets, logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import {
  type AppRoleSetup,
  mountEngines,
  setupApp,
  startVaultServer,
  type VaultServer,
} from './vault-fixture.ts';

/** Fast retries so a failing Vault costs a test well under a second per call. */
export const fastVault =
  'vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 3s } }';

export interface PrestartRun {
  result: RunResult;
  secretId: string;
}

export interface PrestartOptions {
  /** Replaces the `vault:` block of the config (default: fastVault). */
  vault?: string;
  logLevel?: string;
  onStderr?: (chunk: string) => void;
  timeoutMs?: number;
  /** A secret ID made beforehand (default: a fresh plain one made here). */
  secretId?: string;
}

/**
 * Writes `keyturn.yaml` in `dir` and runs `keyturn prestart` with a fresh plain secret ID.
 * The server's request log is cleared first: afterwards it holds only this run's requests.
 */
export async function runPrestart(
  vault: VaultServer,
  app: AppRoleSetup,
  dir: string,
  body: string,
  options: PrestartOptions = {},
): Promise<PrestartRun> {
  const config = join(dir, 'keyturn.yaml');
  await writeFile(config, `${options.vault ?? fastVault}\n${body}`);
  const secretId = options.secretId ?? (await app.plainSecretId());
  vault.log.clear();
  const result = await runKeyturn(
    ['prestart', '--config', config, '--log-level', options.logLevel ?? 'debug'],
    {
      cwd: dir,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    },
  );
  return { result, secretId };
}

/** Every token the server mints from now on, by id (to prove none leaks, or that one was revoked). */
export function recordTokens(vault: VaultServer): string[] {
  const minted: string[] = [];
  const tokens = vault.core.tokens;
  const create = tokens.create.bind(tokens);
  tokens.create = (spec) => {
    const entry = create(spec);
    minted.push(entry.id);
    return entry;
  };
  return minted;
}

/** A running Vault with the usual engines, an AppRole, and what keyturn was handed since. */
export interface FetchWorld extends AsyncDisposable {
  vault: VaultServer;
  app: AppRoleSetup;
  /** Every token minted after setup. */
  tokens: string[];
  /** The secret ID of every run of `prestart`. */
  secretIds: string[];
  /** runPrestart against this world, remembering the secret ID it used. */
  prestart(dir: string, body: string, options?: PrestartOptions): Promise<PrestartRun>;
}

/**
 * Starts the world for a fetch test (`await using`): `seed` writes its secrets first, so
 * `tokens` holds only what keyturn's runs minted.
 */
export async function startFetchWorld(
  seed: (vault: VaultServer) => Promise<void>,
  policy?: string,
): Promise<FetchWorld> {
  const vault = await startVaultServer();
  await mountEngines(vault);
  const app = await setupApp(vault, {}, policy);
  await seed(vault);
  const tokens = recordTokens(vault);
  const secretIds: string[] = [];
  return {
    vault,
    app,
    tokens,
    secretIds,
    async prestart(dir, body, options) {
      const run = await runPrestart(vault, app, dir, body, options);
      secretIds.push(run.secretId);
      return run;
    },
    [Symbol.asyncDispose]: () => vault[Symbol.asyncDispose](),
  };
}

/** SPEC §8 for a fetch world: none of `extra`, the secret IDs, role ID or tokens printed. */
export function expectNoFetchSecrets(
  result: RunResult,
  world: FetchWorld,
  extra: Record<string, string> = {},
): void {
  expectNoSecrets(result, {
    ...extra,
    ...labelled('secretId', world.secretIds),
    roleId: world.app.roleId,
    ...labelled('token', world.tokens),
  });
}

/**
 * Every string value of `keys` in the answers of the engine at `mount` (database passwords,
 * private keys): secrets keyturn received even when a failed run never wrote them.
 */
export function recordEngineSecrets(vault: VaultServer, mount: string, keys: string[]): string[] {
  const seen: string[] = [];
  const engine = vault.core.mounts.find(mount)?.engine;
  if (!engine) throw new Error(`no engine mounted at ${mount}`);
  const handle = engine.handle.bind(engine);
  const record = (response: EngineResponse) => {
    const data = (response as { data?: Record<string, unknown> }).data ?? {};
    for (const key of keys) if (typeof data[key] === 'string') seen.push(data[key]);
    return response;
  };
  engine.handle = (request) => {
    const response = handle(request);
    return response instanceof Promise ? response.then(record) : record(response);
  };
  return seen;
}

/** The error keyturn reported: its last error-level log line. */
export function errorLine(result: RunResult): Record<string, unknown> & { msg: string } {
  const errors = logLines(result).filter((line) => line.level === 'error' || line.level === 50);
  const last = errors.at(-1);
  if (!last) throw new Error(`keyturn logged no error; stderr:\n${result.stderr}`);
  return last as Record<string, unknown> & { msg: string };
}

/** Every file under `dir` (relative paths, sorted) — to assert a failed run wrote nothing. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

export interface FileState {
  content: string;
  ino: number;
  mtimeNs: bigint;
  mode: number;
}

/** Content, inode, mtime and mode of each file: an untouched file keeps all four. */
export async function fileStates(paths: string[]): Promise<Record<string, FileState>> {
  const states: Record<string, FileState> = {};
  for (const path of paths) {
    const info = await stat(path, { bigint: true });
    states[path] = {
      content: await readFile(path, 'utf8'),
      ino: Number(info.ino),
      mtimeNs: info.mtimeNs,
      mode: Number(info.mode) & 0o7777,
    };
  }
  return states;
}

/** `values` labelled `name0`, `name1`… for expectNoSecrets. */
export function labelled(name: string, values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((value, index) => [`${name}${index}`, value]));
}

/** The paths of the requests the server saw, optionally only those matching `pattern`. */
export function requestPaths(vault: VaultServer, pattern?: RegExp): string[] {
  const paths = vault.requests.map((r) => r.path);
  return pattern ? paths.filter((p) => pattern.test(p)) : paths;
}
