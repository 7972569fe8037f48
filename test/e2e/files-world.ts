import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEnv, cliPath, type RunResult, runKeyturn } from './run-keyturn.ts';
import {
  type AppRoleSetup,
  mountEngines,
  setupApp,
  startVaultServer,
  tempDir,
  type VaultServer,
} from './vault-fixture.ts';

/**
 * The world of the files-*.test.ts e2e tests: a fake Vault with the usual engines and role,
 * a temp directory holding keyturn.yaml, and a record of every credential handed out so each
 * test can assert that none of them reached keyturn's output.
 */
export interface FilesWorld extends AsyncDisposable {
  vault: VaultServer;
  dir: string;
  app: AppRoleSetup;
  /** Writes keyturn.yaml: fast retry settings and a pinned wrapped AppRole, then `body`. */
  config(body: string): Promise<string>;
  /** `keyturn prestart --log-level debug` with a fresh wrapped secret ID (or the one given). */
  prestart(options?: PrestartOptions): Promise<PrestartRun>;
  /** Spawns prestart without waiting, under `wrapper` (e.g. strace), for signal tests. */
  spawnPrestart(wrapper?: string[]): Promise<SpawnedKeyturn>;
  /** Every token, wrapping token, secret ID and role ID this world handed out, plus `more`. */
  handled(more?: Record<string, string | undefined>): Record<string, string | undefined>;
  /** The request log's paths from `from` on. */
  paths(from?: number): string[];
}

export interface PrestartOptions {
  uid?: number;
  gid?: number;
  wrapped?: string;
  timeoutMs?: number;
}

export interface PrestartRun extends RunResult {
  wrapped: string;
  /** How many requests the server had logged before this run. */
  requestsBefore: number;
}

export interface SpawnedKeyturn {
  child: ChildProcess;
  exited: Promise<RunResult>;
  wrapped: string;
}

const header = `
vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 2s } }
auth:
  approle:
    wrapped: true
    expected_creation_path: auth/approle/role/app/secret-id
`;

export async function filesWorld(): Promise<FilesWorld> {
  const vault = await startVaultServer();
  const temp = await tempDir();
  await mountEngines(vault);
  const app = await setupApp(vault);
  const tokens: string[] = [];
  const wrappedIds: string[] = [];
  // Every token the server mints, so tests can check none of them leaked (revoked ones too).
  const create = vault.core.tokens.create.bind(vault.core.tokens);
  vault.core.tokens.create = (spec) => {
    const entry = create(spec);
    tokens.push(entry.id);
    return entry;
  };
  const configPath = join(temp.path, 'keyturn.yaml');
  const env = (wrapped: string) => ({
    VAULT_ADDR: vault.addr,
    VAULT_ROLE_ID: app.roleId,
    VAULT_SECRET_ID: wrapped,
  });
  const fresh = async (given?: string) => {
    const wrapped = given ?? (await app.wrappedSecretId());
    wrappedIds.push(wrapped);
    return wrapped;
  };
  const args = ['prestart', '--config', configPath, '--log-level', 'debug'];

  return {
    vault,
    dir: temp.path,
    app,
    async config(body) {
      await writeFile(configPath, header + body, { mode: 0o644 });
      return configPath;
    },
    async prestart(options = {}) {
      const wrapped = await fresh(options.wrapped);
      const requestsBefore = vault.requests.length;
      const result = await runKeyturn(args, {
        cwd: temp.path,
        env: env(wrapped),
        uid: options.uid,
        gid: options.gid,
        timeoutMs: options.timeoutMs,
      });
      return { ...result, wrapped, requestsBefore };
    },
    async spawnPrestart(wrapper = []) {
      const wrapped = await fresh();
      const [command = process.execPath, ...rest] = [...wrapper, process.execPath];
      const child = spawn(command, [...rest, cliPath, ...args], {
        cwd: temp.path,
        env: cliEnv(env(wrapped)),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<RunResult>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
      });
      return { child, exited, wrapped };
    },
    handled(more = {}) {
      const secretIds = vault.requests
        .filter((r) => r.path === 'auth/approle/login')
        .map((r) => (typeof r.body.secret_id === 'string' ? r.body.secret_id : undefined));
      const entries: [string, string | undefined][] = [
        ['roleId', app.roleId],
        ['rootToken', vault.rootToken],
        ...tokens.map((t, i): [string, string] => [`token${i}`, t]),
        ...wrappedIds.map((w, i): [string, string] => [`wrapped${i}`, w]),
        ...secretIds.map((s, i): [string, string | undefined] => [`secretId${i}`, s]),
        ...Object.entries(more),
      ];
      return Object.fromEntries(entries);
    },
    paths(from = 0) {
      return vault.requests.slice(from).map((r) => r.path);
    },
    async [Symbol.asyncDispose]() {
      await temp[Symbol.asyncDispose]();
      await vault[Symbol.asyncDispose]();
    },
  };
}

/** Names in `dir` that are keyturn temporary files. */
export async function tempFilesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('.keyturn-tmp-'));
}

/** Polls `check` every few ms until it returns a value, failing after `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Why strace cannot hold a syscall here (missing, or ptrace not permitted), or undefined. */
export function straceUnavailable(): string | undefined {
  try {
    execFileSync('strace', ['-qq', '-o', '/dev/null', '-e', 'trace=none', 'true'], {
      stdio: 'pipe',
    });
    return undefined;
  } catch (err) {
    return `strace cannot trace here: ${String(err).split('\n')[0]}`;
  }
}

/**
 * The keyturn process under a wrapper such as strace, once forked. Found by its command
 * line: strace also forks short-lived probe children at start.
 */
export async function keyturnPidUnder(pid: number): Promise<number> {
  return pollUntil(`keyturn under pid ${pid}`, async () => {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    for (const child of text.trim().split(' ').filter(Boolean)) {
      const argv = await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '');
      // A probe is a fork of strace, whose own argv also names the CLI: compare argv[0..1].
      const [program, script] = argv.split('\0');
      if (program === process.execPath && script === cliPath) return Number(child);
    }
    return undefined;
  });
}
