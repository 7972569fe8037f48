import type { RenewerMetrics } from '../../agent/renewer-metrics.ts';
import { resolveStatePaths } from '../../agent/state-paths.ts';
import { acquireRenewerLock, type RenewerLock } from '../../daemon/renewer-lock.ts';
import { runPrestart } from '../../prestart/run-prestart.ts';
import { systemClock } from '../../renew/clock.ts';
import { loadRunConfig } from '../config-source.ts';
import type { CommandRun } from '../context.ts';
import { parseJsonInput } from '../input-json.ts';
import { openVault } from '../open-vault.ts';

/**
 * `keyturn agent` (SPEC §1): prestart, then keep everything fresh in the foreground until
 * SIGTERM/SIGINT, which ends it with 0; 75 when the token can no longer be kept alive.
 */
export async function run({
  ctx,
  out,
  globals,
  options,
}: CommandRun<{ metricsAddr?: string }>): Promise<number> {
  const input = globals.inputJson ? parseJsonInput(await ctx.readStdin(), out.redactor) : {};
  const loaded = await loadRunConfig(globals, ctx);
  const { client, config } = openVault(loaded, ctx, out, input);
  const paths = resolveStatePaths(config, ctx.uid, ctx.env, ctx.cwd);
  let metricsServer: { metrics: RenewerMetrics; close(): Promise<void> } | undefined;
  let lock: RenewerLock | undefined;
  try {
    // One renewer per config (SPEC §6), taken before the one-time secret ID is spent.
    lock = await acquireRenewerLock(paths, process.pid, { uid: ctx.uid });
    const start = await runPrestart({
      config,
      client,
      env: ctx.env,
      out,
      signal: ctx.signal,
      cwd: ctx.cwd,
      uid: ctx.uid,
      now: Date.now,
    });
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
