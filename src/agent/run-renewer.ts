import type { Config } from '../config/config-types.ts';
import type { Output } from '../log/output.ts';
import type { PrestartResult } from '../prestart/run-prestart.ts';
import { KvMounts } from '../sources/kv-mounts.ts';
import type { SecretData } from '../sources/read-secret.ts';
import { type AgentState, writeAgentState } from '../state/agent-state.ts';
import { type Clock, systemTimers, type Timers } from '../timing/clock.ts';
import { type Actor, runGroup } from '../timing/run-group.ts';
import type { VaultClient } from '../vault/client.ts';
import { singleAttempt } from '../vault/single-attempt.ts';
import { liveExpiries } from './live-expiries.ts';
import { liveFromPrestart } from './live-from-prestart.ts';
import { liveSnapshot } from './live-snapshot.ts';
import type { OnChangeDeps } from './on-change.ts';
import { refreshStaticActor } from './refresh-static.ts';
import { renewLeasesActor } from './renew-leases.ts';
import { renewTokenActor } from './renew-token.ts';
import type { RenewerContext } from './renewer-context.ts';
import { noMetrics, type RenewerMetrics } from './renewer-metrics.ts';
import { revokeOnExit } from './revoke-on-exit.ts';
import { createRewriter } from './rewriter.ts';
import { rotateCertsActor } from './rotate-certs.ts';

export interface RenewerInput {
  config: Config;
  client: VaultClient;
  out: Output;
  /** Aborted on SIGTERM/SIGINT: everything stops, runRenewer resolves. */
  signal: AbortSignal;
  cwd: string;
  uid: number;
  clock: Clock;
  random: () => number;
  /** keyturn's environment: for a re-login from `env:` and for on_change commands (minus VAULT_*). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The prestart that just ran: its login, data (leases inside) and files. `mounts` is
   * optional (it does not survive a handover as JSON): without it, KV versions are detected again.
   */
  start: Pick<PrestartResult, 'login' | 'fetched' | 'certLifetimes' | 'files'> & {
    mounts?: unknown;
  };
  stateFile: string;
  metrics?: RenewerMetrics;
  timers?: Timers;
  /** Recorded in the state file; default 'agent'. */
  mode?: 'agent' | 'daemon' | 'exec';
  /** Recorded in the state file; default this process. */
  pid?: number;
  /** Called once the renewer holds everything and its state is written (a daemon's "ready"). */
  onReady?: () => void;
  /** After each rewrite, with every secret now held (`exec` restarts its child when its variables changed). */
  onSecrets?: (secrets: readonly SecretData[]) => void;
  /** For tests of `on_change: { signal }`. */
  kill?: OnChangeDeps['kill'];
}

/**
 * Keeps the token, leases, certificates and static secrets of a finished prestart fresh
 * (SPEC §6) until `signal` aborts (resolves) or the token can no longer be kept alive
 * (rejects with RestartMeError, exit 75). With `token.revoke_on_exit`, the token — and its
 * leases with it — is revoked on the way out.
 */
export async function runRenewer(input: RenewerInput): Promise<void> {
  const ctx = renewerContext(input);
  await ctx.saveState();
  const actors = [
    renewTokenActor(ctx),
    renewLeasesActor(ctx),
    rotateCertsActor(ctx),
    refreshStaticActor(ctx),
  ].filter((actor): actor is Actor => actor !== undefined);
  ctx.out.log.info(
    {
      accessor: ctx.live.token.accessor,
      expiresAt: new Date(ctx.live.token.expiresAtMs).toISOString(),
      actors: actors.map((actor) => actor.name),
    },
    'renewing',
  );
  input.onReady?.();
  try {
    await runGroup(actors, input.signal, { timers: ctx.timers });
    ctx.out.log.info('renewer stopped');
  } finally {
    if (ctx.config.token.revokeOnExit) await revokeOnExit(ctx);
  }
}

/** The holdings, rewriter and state writer every actor shares. */
function renewerContext(input: RenewerInput): RenewerContext {
  const { config, out, clock, cwd, uid } = input;
  const metrics = input.metrics ?? noMetrics;
  const live = liveFromPrestart(config, input.start, { metrics });
  metrics.watchExpiries(() => liveExpiries(config, live));
  const rewriter = createRewriter({
    config,
    metrics,
    cwd,
    uid,
    env: input.env,
    out,
    live,
    files: [...input.start.files.written, ...input.start.files.unchanged],
    clock,
    timers: input.timers ?? systemTimers,
    signal: input.signal,
    ...(input.kill ? { kill: input.kill } : {}),
  });
  const meta = {
    mode: input.mode ?? 'agent',
    pid: input.pid ?? process.pid,
    startedAt: new Date(clock.now()).toISOString(),
  } as const;
  const snapshot = () =>
    liveSnapshot(config, live, { ...meta, files: rewriter.files(), failing: rewriter.failing() });
  const saveState = stateSaver(input.stateFile, uid, snapshot, out);
  return {
    config,
    client: input.client,
    out,
    cwd,
    uid,
    env: input.env,
    clock,
    timers: input.timers ?? systemTimers,
    random: input.random,
    metrics,
    bounds: { initialMs: config.vault.retry.initialMs, maxMs: config.vault.retry.maxMs },
    live,
    mounts:
      input.start.mounts instanceof KvMounts
        ? input.start.mounts
        : new KvMounts(input.client, singleAttempt, () => live.token.token, out.log),
    // A group that starts or stops failing is news for `status` at once, whichever actor wrote.
    rewrite: async () => {
      if (await rewriter.rewrite()) await saveState();
      input.onSecrets?.(live.secrets);
    },
    saveState,
  };
}

/** Writes the state one write at a time; a failure is a warning (status then sees older state). */
function stateSaver(
  file: string,
  uid: number,
  snapshot: () => AgentState,
  out: Output,
): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return () => {
    chain = chain.then(() =>
      writeAgentState(file, snapshot(), uid).catch((error: unknown) => {
        out.log.warn({ path: file, error: String(error) }, 'could not write the state file');
      }),
    );
    return chain;
  };
}
