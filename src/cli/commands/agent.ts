import type { RenewerMetrics } from '../../agent/renewer-metrics.ts';
import { acquireRenewerLock, type RenewerLock } from '../../state/renewer-lock.ts';
import { systemClock } from '../../timing/clock.ts';
import type { CommandRun } from '../context.ts';
import { openPrestart } from '../open-prestart.ts';

/**
 * `keyturn agent` (SPEC §1): prestart, then keep everything fresh in the foreground until
 * SIGTERM/SIGINT, which ends it with 0; 75 when the token can no longer be kept alive.
 */
export async function run(command: CommandRun<{ metricsAddr?: string }>): Promise<number> {
  const { ctx, out, options } = command;
  const { client, config, paths, prestart } = await openPrestart(command);
  let metricsServer: { metrics: RenewerMetrics; close(): Promise<void> } | undefined;
  let lock: RenewerLock | undefined;
  try {
    // One renewer per config (SPEC §6), taken before the one-time secret ID is spent.
    lock = await acquireRenewerLock(paths, process.pid, { uid: ctx.uid });
    const start = await prestart();
    out.log.info(
      { written: start.files.written.length, unchanged: start.files.unchanged.length },
      'prestart complete',
    );
    if (options.metricsAddr) {
      const { startMetricsServer } = await import('../../metrics/metrics-server.ts');
      metricsServer = await startMetricsServer(options.metricsAddr, out);
    }
    const { runRenewer } = await import('../../agent/run-renewer.ts');
    await runRenewer({
      config,
      client,
      out,
      cwd: ctx.cwd,
      uid: ctx.uid,
      clock: systemClock,
      random: Math.random,
      env: ctx.env,
      start,
      stateFile: paths.stateFile,
      ...(metricsServer ? { metrics: metricsServer.metrics } : {}),
      signal: AbortSignal.any([ctx.signal, lock.lost]),
    });
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
    await metricsServer?.close();
    await lock?.release();
  }
}
