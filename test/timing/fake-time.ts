import { setImmediate as macrotask } from 'node:timers/promises';
import type { Clock, TimerHandle, Timers } from '../../src/timing/clock.ts';

interface FakeTimer {
  id: number;
  dueMs: number;
  callback: () => void;
}

/**
 * A manual clock and timer queue: nothing fires until a test calls `advance`, so schedules
 * are asserted to the millisecond without waiting. Records every delay asked of setTimeout.
 * Like the real thing, timers run on monotonic time while `now()` is the wall clock, which
 * `jump` can step without moving the timers.
 */
export class FakeTime implements Clock, Timers {
  /** Monotonic time: what timers are due against. */
  #nowMs = 0;
  /** Wall clock minus monotonic time. */
  #wallOffsetMs: number;
  #nextId = 1;
  #timers: FakeTimer[] = [];
  /** Every `ms` passed to setTimeout, in order. */
  readonly requested: number[] = [];

  constructor(startMs = 0) {
    this.#wallOffsetMs = startMs;
  }

  now(): number {
    return this.#nowMs + this.#wallOffsetMs;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    this.requested.push(ms);
    const timer = { id: this.#nextId++, dueMs: this.#nowMs + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }

  /** Timers scheduled and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves the wall clock without firing anything, like an NTP step or a suspended host. */
  jump(ms: number): void {
    this.#wallOffsetMs += ms;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order at their due instant and letting
   * promise chains run between them (so a timer armed by a callback fires too if it is due).
   */
  async advance(ms: number): Promise<void> {
    const until = this.#nowMs + ms;
    await macrotask();
    for (;;) {
      const next = this.#earliestDue(until);
      if (!next) break;
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#nowMs = Math.max(this.#nowMs, next.dueMs);
      next.callback();
      await macrotask();
    }
    this.#nowMs = Math.max(this.#nowMs, until);
  }

  #earliestDue(until: number): FakeTimer | undefined {
    let earliest: FakeTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueMs <= until && (!earliest || timer.dueMs < earliest.dueMs)) earliest = timer;
    }
    return earliest;
  }
}
