import { ExitCode, KeyturnError } from '../../errors/keyturn-error.ts';
import type { CommandRun } from '../context.ts';

/** `keyturn __renewer` (hidden): the detached renewer `prestart --daemon` starts. */
export async function run({ ctx, out }: CommandRun): Promise<number> {
  const { runDaemonRenewer } = await import('../../daemon/run-daemon-renewer.ts');
  const { openVault } = await import('../open-vault.ts');
  const { startRenewal } = await import('../start-renewal.ts');
  return runDaemonRenewer({
    pid: ctx.pid,
    uid: ctx.uid,
    out,
    signal: ctx.signal,
    async start(handover, log, signal) {
      const { client, config } = openVault(handover.config, ctx, log);
      try {
        const renewal = await startRenewal({
          config,
          client,
          out: log,
          ctx,
          start: handover.start,
          stateFile: handover.stateFile,
          mode: 'daemon',
          ...(handover.metricsAddr ? { metricsAddr: handover.metricsAddr } : {}),
          signal,
        });
        // Ready = the state file names this renewer: a `status` right after prestart sees it.
        // A renewer that fails (or stops) before it is ready never reports "ready".
        await Promise.race([renewal.ready, renewal.done.then(notReady)]);
        return {
          done: renewal.done,
          close: async () => {
            client.close();
            await renewal.close();
          },
        };
      } catch (error) {
        client.close();
        throw error;
      }
    },
  });
}

function notReady(): never {
  throw new KeyturnError(
    'renewer-start',
    ExitCode.internal,
    'the renewer stopped before it was ready',
  );
}
