// The detached renewer `prestart --daemon` leaves behind, for the idle-memory benches: start
// it, find its pid, stop it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { delay, medianOf, procSample, waitUntilQuiet } from './proc-sample.ts';

/** Runs `prestart --daemon`; resolves with the renewer's pid from the "renewer running" line. */
export async function startRenewer(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<number> {
  const child = spawn(command, [...args, '--daemon', '--log-level', 'info'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const [code] = await once(child, 'close');
  const line = stderr.split('\n').find((l) => l.includes('"msg":"renewer running"'));
  const pid = line ? (JSON.parse(line) as { pid?: number }).pid : undefined;
  if (code !== 0 || !pid)
    throw new Error(`prestart --daemon exited ${code}: ${stderr.slice(0, 800)}`);
  return pid;
}

/** SIGTERM, then waits (bounded) until the pid is gone. */
export async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await delay(25);
  }
  process.kill(pid, 'SIGKILL');
}

/** Once every pid is idle: each one's RSS in KiB, the median of 5 readings 200 ms apart. */
export async function idleRssKb(pids: [string, number][]): Promise<Map<string, number>> {
  await Promise.all(pids.map(([, pid]) => waitUntilQuiet(pid)));
  const samples = new Map<string, number[]>();
  for (let i = 0; i < 5; i++) {
    for (const [name, pid] of pids) {
      samples.set(name, [...(samples.get(name) ?? []), (await procSample(pid)).rssKb]);
    }
    await delay(200);
  }
  return new Map([...samples].map(([name, values]) => [name, medianOf(values)]));
}
