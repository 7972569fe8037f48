import { type Clock, MAX_TIMER_MS, systemTimers, type Timers } from './clock.ts';

/**
 * Waits `ms` milliseconds; rejects with `signal.reason` as soon as the signal aborts.
 * Leaves nothing behind either way: the abort listener goes when the timer fires and the
 * timer goes when the signal aborts (a renewer sleeps thousands of times on one signal).
 * Delays beyond setTimeout's 32-bit limit are served by a chain of shorter timers.
 */
export function sleep(
  ms: number,
  signal: AbortSignal,
  timers: Timers = systemTimers,
): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (!(ms >= 0)) return Promise.reject(new RangeError(`sleep: ms must be >= 0, got ${ms}`));
  return new Promise((resolve, reject) => {
    let left = ms;
    let handle: unknown;
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      reject(signal.reason);
    };
    const arm = (): void => {
      const chunk = Math.min(left, MAX_TIMER_MS);
      left -= chunk;
      handle = timers.setTimeout(() => {
        if (left > 0) return arm();
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, chunk);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/**
 * Waits until `clock.now()` reaches `deadlineMs`, re-reading the clock after every timer so
 * a suspended host or a stepped wall clock cannot make it fire early or sleep past the
 * deadline by more than one timer. Rejects with `signal.reason` on abort.
 */
export async function sleepUntil(
  deadlineMs: number,
  clock: Clock,
  signal: AbortSignal,
  timers: Timers = systemTimers,
): Promise<void> {
  if (Number.isNaN(deadlineMs)) throw new RangeError('sleepUntil: deadlineMs is NaN');
  signal.throwIfAborted();
  for (let left = deadlineMs - clock.now(); left > 0; left = deadlineMs - clock.now()) {
    await sleep(Math.min(left, MAX_TIMER_MS), signal, timers);
  }
}
