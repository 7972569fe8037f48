import { readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManualClock } from '../vault-server/index.ts';
import { logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import { setupApp, startVaultServer, type VaultServer } from './vault-fixture.ts';

/** Every renewer pid a test started: killed in afterEach, whatever the test did. */
export const startedRenewers = new Set<number>();

export function killRenewers(): void {
  for (const pid of startedRenewers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  startedRenewers.clear();
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls with a deadline (no fixed sleeps). */
export async function waitUntil(what: string, predicate: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 8000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Renewer processes running in `dir` (found through /proc, in case a test lost a pid). */
export async function renewersIn(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes('__renewer') && (await readlink(`/proc/${name}/cwd`)) === dir) {
        found.push(Number(name));
      }
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

/** Session id and parent pid from /proc/<pid>/stat (fields after the command name). */
export async function procStat(pid: number): Promise<{ ppid: number; sid: number }> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), sid: Number(fields[3]) };
}

/**
 * A Vault with AppRole `app` whose tokens live `ttl` (short: renewals within the test). A
 * ManualClock that the test leaves still keeps the token alive under a late renewer.
 */
export async function daemonWorld(ttl = '3s', clock?: ManualClock) {
  const vault = await startVaultServer(clock ? { clock } : {});
  const app = await setupApp(vault, { token_ttl: ttl, token_max_ttl: '1h' });
  await vault.write('sys/mounts/kv', { type: 'kv', options: { version: '1' } });
  await vault.write('kv/app/api', { key: 'daemon-api-key-4711' });
  return { vault, app };
}

export function daemonConfig(dir: string, extra = ''): string {
  return `state_dir: ${join(dir, 'state')}
vault: { retry: { initial: 50ms, max: 200ms, give_up_after: 2s }, timeout: 2s }
auth: { approle: { wrapped: true } }
token: { sink: { path: out/token } }
secrets:
  - { path: kv/app/api, field: key, to: out/api-key }
${extra}`;
}

/** Writes the config and runs `keyturn prestart --daemon` with a fresh wrapped secret ID. */
export async function startDaemon(
  vault: VaultServer,
  app: Awaited<ReturnType<typeof setupApp>>,
  dir: string,
  options: { extraConfig?: string; args?: string[]; secretId?: string } = {},
) {
  const config = join(dir, 'keyturn.yaml');
  await writeFile(config, daemonConfig(dir, options.extraConfig));
  const secretId = options.secretId ?? (await app.wrappedSecretId());
  const result = await runKeyturn(
    ['prestart', '--daemon', '--config', config, '--log-level', 'debug', ...(options.args ?? [])],
    {
      cwd: dir,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    },
  );
  const pid = renewerPid(result);
  if (pid !== undefined) startedRenewers.add(pid);
  return { result, secretId, config, pid };
}

export function renewerPid(result: RunResult): number | undefined {
  const line = logLines(result).find((l) => l.msg === 'renewer running');
  return typeof line?.pid === 'number' ? line.pid : undefined;
}

export async function readToken(dir: string): Promise<string> {
  return (await readFile(join(dir, 'out', 'token'), 'utf8')).trim();
}

export function status(dir: string, config: string, args: string[] = []) {
  return runKeyturn(['status', '--config', config, ...args], { cwd: dir });
}
