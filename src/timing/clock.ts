/** Wall-clock milliseconds since the epoch; injected so schedules are tested exactly. */
export interface Clock {
  now(): number;
}

/** An opaque timer handle: whatever `setTimeout` returned, given back to `clearTimeout`. */
export type TimerHandle = unknown;

/** The two timer calls the renewal engine needs; injected so tests can advance time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** setTimeout's delay is a signed 32-bit integer; anything longer fires after ~1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
