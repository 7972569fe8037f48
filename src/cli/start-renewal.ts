import { type RenewerInput, runRenewer } from '../agent/run-renewer.ts';
import type { Config } from '../config/config-types.ts';
import type { Output } from '../log/output.ts';
import { systemClock } from '../timing/clock.ts';
import type { VaultClient } from '../vault/client.ts';
import type { CliContext } from './context.ts';
import { keyturnVersion } from './keyturn-version.ts';

export interface RenewalOptions {
  config: Config;
  /** The caller closes it. */
  client: VaultClient;
  out: Output;
  ctx: CliContext;
  start: RenewerInput['start'];
  stateFile: string;
  mode: 'agent' | 'daemon' | 'exec';
  metricsAddr?: string;
  /** After each rewrite, with every secret held (`exec`). */
  onSecrets?: RenewerInput['onSecrets'];
  signal: AbortSignal;
}

/** A renewer running in this process. */
export interface Renewal {
  /** Settles when the renewer stops: resolves on the signal, rejects when it cannot go on (75). */
  done: Promise<void>;
  /** Resolves once the renewer holds everything and its state names it. */
  ready: Promise<void>;
  /** Closes what the renewal opened (the metrics endpoint). */
  close(): Promise<void>;
}

/**
 * The one place a renewer is assembled, for `agent`, the `prestart --daemon` child and
 * `exec`: the metrics endpoint when asked for, the real clock and randomness, this process.
 */
export async function startRenewal(options: RenewalOptions): Promise<Renewal> {
  const { ctx, out } = options;
  const metrics = options.metricsAddr
    ? await import('../metrics/metrics-server.ts').then((m) =>
        m.startMetricsServer(options.metricsAddr as string, out, { version: keyturnVersion }),
      )
    : undefined;
  // The instant the stop was asked for, in the log: "gone within a second" is measured from it.
  const stopping = () => out.log.info({ reason: String(options.signal.reason) }, 'stopping');
  if (options.signal.aborted) stopping();
  else options.signal.addEventListener('abort', stopping, { once: true });
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const done = runRenewer({
    config: options.config,
    client: options.client,
    out,
    signal: options.signal,
    cwd: ctx.cwd,
    uid: ctx.uid,
    clock: systemClock,
    random: Math.random,
    env: ctx.env,
    start: options.start,
    stateFile: options.stateFile,
    ...(metrics ? { metrics: metrics.metrics } : {}),
    mode: options.mode,
    ...(options.onSecrets ? { onSecrets: options.onSecrets } : {}),
    pid: ctx.pid,
    onReady: ready,
  });
  done.catch(() => undefined); // the caller awaits it; this only keeps an early rejection handled
  return { done, ready: isReady, close: async () => metrics?.close() };
}
