import type { Clock } from './backend.ts';

/** The real wall clock: the default for servers that tests do not drive by hand. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand, so TTL arithmetic is exact and nothing sleeps. */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(startMs = Date.UTC(2024, 0, 1, 0, 0, 0)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  advanceSeconds(seconds: number): void {
    this.#nowMs += seconds * 1000;
  }

  set(ms: number): void {
    this.#nowMs = ms;
  }
}
