import type { CommandRun } from '../context.ts';

/** `keyturn __renewer` (hidden): the detached renewer `prestart --daemon` starts. */
export async function run({ ctx, out }: CommandRun): Promise<number> {
  const { runDaemonRenewer } = await import('../../daemon/run-daemon-renewer.ts');
  const { startEngine } = await import('../../daemon/start-engine.ts');
  return runDaemonRenewer({
    pid: process.pid,
    uid: ctx.uid,
    out,
    signal: ctx.signal,
    start: (handover, log, signal) => startEngine(handover, log, signal, ctx, process.pid),
  });
}
