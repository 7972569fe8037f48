import { acquireRenewerLock, type RenewerLock } from '../../state/renewer-lock.ts';
import type { CommandRun } from '../context.ts';
import { openPrestart } from '../open-prestart.ts';
import { type Renewal, startRenewal } from '../start-renewal.ts';

/**
 * `keyturn agent` (SPEC §1): prestart, then keep everything fresh in the foreground until
 * SIGTERM/SIGINT, which ends it with 0; 75 when the token can no longer be kept alive.
 */
export async function run(command: CommandRun<{ metricsAddr?: string }>): Promise<number> {
  const { ctx, out, options } = command;
  const { client, config, paths, prestart } = await openPrestart(command, { command: 'agent' });
  let renewal: Renewal | undefined;
  let lock: RenewerLock | undefined;
  try {
    // One renewer per config (SPEC §6), taken before the one-time secret ID is spent.
    lock = await acquireRenewerLock(paths, ctx.pid, { uid: ctx.uid });
    const start = await prestart();
    out.log.info(
      { written: start.files.written.length, unchanged: start.files.unchanged.length },
      'prestart complete',
    );
    renewal = await startRenewal({
      config,
      client,
      out,
      ctx,
      start,
      stateFile: paths.stateFile,
      mode: 'agent',
      ...(options.metricsAddr ? { metricsAddr: options.metricsAddr } : {}),
      signal: AbortSignal.any([ctx.signal, lock.lost]),
    });
    await renewal.done;
    if (lock.lost.aborted) throw lock.lost.reason;
    return 0;
  } catch (error) {
    // Stopped by a signal, even mid-prestart: the supervisor asked, so that is success (SPEC §7).
    if (ctx.signal.aborted) {
      out.log.info({ signal: String(ctx.signal.reason) }, 'stopped by signal');
      return 0;
    }
    throw error;
  } finally {
    client.close();
    await renewal?.close();
    await lock?.release();
  }
}
