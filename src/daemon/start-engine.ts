import type { CliContext } from '../cli/context.ts';
import { ExitCode, KeyturnError } from '../errors/keyturn-error.ts';
import type { Output } from '../log/output.ts';
import { systemClock } from '../timing/clock.ts';
import type { RenewerHandover } from './handover.ts';
import type { Running } from './run-daemon-renewer.ts';

/**
 * Opens Vault and starts the renewal engine with what prestart handed over. Resolves once
 * the engine runs (a failure in its first turn is a start failure the parent hears about).
 */
export async function startEngine(
  handover: RenewerHandover,
  log: Output,
  signal: AbortSignal,
  ctx: CliContext,
  pid: number,
): Promise<Running> {
  const { openVault } = await import('../cli/open-vault.ts');
  const { client, config } = openVault(handover.config, ctx, log);
  const server = handover.metricsAddr
    ? await import('../metrics/metrics-server.ts').then((m) =>
        m.startMetricsServer(handover.metricsAddr as string, log),
      )
    : undefined;
  const close = async () => {
    client.close();
    await server?.close();
  };
  try {
    const { runRenewer } = await import('../agent/run-renewer.ts');
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const done = runRenewer({
      config,
      client,
      out: log,
      signal,
      cwd: ctx.cwd,
      uid: ctx.uid,
      clock: systemClock,
      random: Math.random,
      env: ctx.env,
      start: handover.start,
      stateFile: handover.stateFile,
      metrics: server?.metrics,
      mode: 'daemon',
      pid,
      // Ready = the state file names this renewer: a `status` right after prestart sees it.
      onReady: ready,
    });
    // A renewer that fails (or stops) before it is ready never reports "ready".
    await Promise.race([isReady, done.then(() => notReady())]);
    return { done, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function notReady(): never {
  throw new KeyturnError(
    'renewer-start',
    ExitCode.internal,
    'the renewer stopped before it was ready',
  );
}
