import { type Clock, systemClock, systemTimers, type TimerHandle, type Timers } from './clock.ts';

export interface QuietWindowOptions {
  /** How long things must stay quiet after the last poke. */
  waitMs: number;
  /** The longest a burst can hold the action back, counted from its first poke. */
  maxWaitMs: number;
  clock?: Clock;
  timers?: Timers;
}

export interface QuietWindow {
  /** Something changed: run the action once things have been quiet for `waitMs`. */
  poke(): void;
  /** Forget a pending run (keyturn is stopping). */
  cancel(): void;
}

/**
 * Coalesces a burst of changes into one action, as consul-template's `wait` does (SPEC §6
 * `on_change_wait`): the action runs `waitMs` after the last poke, but never later than
 * `maxWaitMs` after the first one, so a value that keeps flapping still gets its action.
 */
export function quietWindow(options: QuietWindowOptions, action: () => void): QuietWindow {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  let firstAtMs: number | undefined;
  let handle: TimerHandle | undefined;

  const cancel = (): void => {
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
    firstAtMs = undefined;
  };

  return {
    poke() {
      const now = clock.now();
      firstAtMs ??= now;
      if (handle !== undefined) timers.clearTimeout(handle);
      const dueAtMs = Math.min(now + options.waitMs, firstAtMs + options.maxWaitMs);
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
