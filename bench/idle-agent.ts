// A `keyturn agent` started for the idle benches: its config, start and stop.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { delay } from './proc-sample.ts';

const root = new URL('..', import.meta.url).pathname;
export const cli = join(root, 'dist/keyturn.mjs');
export const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' };

const config = `state_dir: state
secrets:
${[0, 1, 2].map((i) => `  - { path: secret/app/s${i}, format: json, to: out/s${i}.json }`).join('\n')}
  - { path: database/creds/app, format: json, to: out/creds.json }
certs:
  - { role: web, common_name: app.service.consul, cert: out/cert.pem, key: out/key.pem, ca: out/ca.pem }
`;

/** Polls `check` every 50 ms until it holds; fails after `ms`. */
async function until(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

const exists = (path: string) =>
  readFile(path, 'utf8').then(
    () => true,
    () => false,
  );

/** Starts `keyturn agent` in its own directory; resolves once it logged `renewing`. */
export async function startAgent(
  dir: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  await writeFile(join(dir, 'keyturn.yaml'), config);
  const log = await open(join(dir, 'agent.log'), 'w');
  const child = spawn(process.execPath, [...nodeArgs, cli, 'agent', '--config', 'keyturn.yaml'], {
    cwd: dir,
    env: { ...baseEnv, ...env },
    stdio: ['ignore', 'ignore', log.fd],
  });
  await log.close(); // the child holds its own copy of the descriptor
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`agent exited ${child.exitCode}`);
    const text = await readFile(join(dir, 'agent.log'), 'utf8');
    // The state lives in a directory of its own per config under state_dir: <name>-<hash>/.
    const stateDirs = await readdir(join(dir, 'state')).catch(() => [] as string[]);
    const stateFile = stateDirs[0] && join(dir, 'state', stateDirs[0], 'state.json');
    return (
      text.includes('"msg":"renewing"') && stateFile !== undefined && (await exists(stateFile))
    );
  }, 'the agent to log "renewing" and write its state');
  return child;
}

export async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const closed = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await closed;
  return code as number | null;
}
