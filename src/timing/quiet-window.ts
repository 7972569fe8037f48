import { type Clock, systemClock, systemTimers, type TimerHandle, type Timers } from './clock.ts';

export interface QuietWindowOptions {
  /** How long things must stay quiet after the last poke. */
  waitMs: number;
  /** The longest a burst can hold the action back: this many times its wait, from its first poke. */
  capFactor: number;
  clock?: Clock;
  timers?: Timers;
}

export interface QuietWindow {
  /**
   * Something changed: run the action once things have been quiet for the wait. A poke may
   * ask for a longer wait (`waitMs`); the burst then keeps the longest asked for.
   */
  poke(waitMs?: number): void;
  /** Forget a pending run (keyturn is stopping). */
  cancel(): void;
}

/**
 * Coalesces a burst of changes into one action, as consul-template's `wait` does (SPEC §6
 * `on_change_wait`): the action runs the wait after the last poke, but never later than
 * `capFactor` waits after the first one, so a value that keeps flapping still gets its action.
 */
export function quietWindow(options: QuietWindowOptions, action: () => void): QuietWindow {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  let firstAtMs: number | undefined;
  let burstWaitMs = options.waitMs;
  let handle: TimerHandle | undefined;

  const cancel = (): void => {
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
    firstAtMs = undefined;
    burstWaitMs = options.waitMs;
  };

  return {
    poke(waitMs = options.waitMs) {
      const now = clock.now();
      firstAtMs ??= now;
      burstWaitMs = Math.max(burstWaitMs, waitMs);
      if (handle !== undefined) timers.clearTimeout(handle);
      const dueAtMs = Math.min(now + burstWaitMs, firstAtMs + options.capFactor * burstWaitMs);
      handle = timers.setTimeout(
        () => {
          cancel();
          action();
        },
        Math.max(0, dueAtMs - now),
      );
    },
    cancel,
  };
}
