import { ExitCode, KeyturnError } from '../errors/keyturn-error.ts';
import { systemTimers, type Timers } from './clock.ts';
import { sleep } from './sleep.ts';

/** One long-running concern of `agent` (renew-token, renew-leases, rotate-certs, child). */
export interface Actor {
  name: string;
  /** Runs until `signal` aborts (then settles promptly), or fails by rejecting. */
  run(signal: AbortSignal): Promise<void>;
}

export interface RunGroupOptions {
  /** How long stopped actors get to settle before runGroup stops waiting for them. */
  settleTimeoutMs?: number;
  timers?: Timers;
}

/**
 * Why 10 s: a stopping actor only has to abandon a sleep or an HTTP call and maybe end a
 * child (SIGTERM then SIGKILL), and a container's supervisor kills us after ~10–30 s anyway.
 */
const DEFAULT_SETTLE_TIMEOUT_MS = 10_000;

/**
 * Runs every actor concurrently under one child AbortController. The first actor to finish
 * stops the rest: if it failed, runGroup rejects with its error; if it returned (a child that
 * exited), runGroup resolves. An external abort stops all and resolves — rejections that
 * follow a stop are the actors shutting down, not failures. Waits for the actors to settle,
 * but at most `settleTimeoutMs`, so an actor that ignores its signal cannot hang keyturn.
 */
export async function runGroup(
  actors: readonly Actor[],
  signal: AbortSignal,
  options: RunGroupOptions = {},
): Promise<void> {
  if (actors.length === 0) return;
  const controller = new AbortController();
  const stop = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  let first: { error: unknown } | undefined;
  const settled = new Set<number>();
  const runs = actors.map(async (actor, index) => {
    try {
      await actor.run(controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) first = { error };
    } finally {
      settled.add(index);
      controller.abort(new Error(`actor ${actor.name} stopped`));
    }
  });
  try {
    await Promise.race([Promise.race(runs), abortedPromise(controller.signal)]);
    const timedOut = await settleWithin(runs, options);
    if (first) throw first.error;
    if (timedOut) throw hungActorsError(actors, settled, options);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Waits for every run to settle, at most the settle timeout; true when time ran out. */
async function settleWithin(runs: Promise<void>[], options: RunGroupOptions): Promise<boolean> {
  const giveUp = new AbortController();
  const all = Promise.all(runs).then(() => false);
  const ms = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
  const late = sleep(ms, giveUp.signal, options.timers ?? systemTimers).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([all, late]);
  } finally {
    giveUp.abort();
  }
}

/** Resolves once the group is stopped, whichever way; its listener goes with the signal. */
function abortedPromise(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** Internal error (exit 70): an actor broke the contract of honouring its signal. */
function hungActorsError(
  actors: readonly Actor[],
  settled: ReadonlySet<number>,
  options: RunGroupOptions,
): KeyturnError {
  const hung = actors.filter((_, index) => !settled.has(index)).map((actor) => actor.name);
  const ms = options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS;
  return new KeyturnError(
    'actor-hung',
    ExitCode.internal,
    `actors did not stop within ${ms} ms of being told to: ${hung.join(', ')}`,
    { details: { actors: hung } },
  );
}
