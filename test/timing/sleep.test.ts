import { getEventListeners, setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS } from '../../src/timing/clock.ts';
import { sleep, sleepUntil } from '../../src/timing/sleep.ts';
import { FakeTime } from './fake-time.ts';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** Tracks whether a promise has settled, without awaiting it. */
function track(promise: Promise<void>) {
  const state = { settled: false, error: undefined as unknown };
  promise.then(
    () => {
      state.settled = true;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

describe('sleep', () => {
  it('resolves after exactly the delay on fake timers', async () => {
    const time = new FakeTime();
    const done = track(sleep(1_000, new AbortController().signal, time));
    await time.advance(999);
    expect(done.settled).toBe(false);
    await time.advance(1);
    expect(done).toEqual({ settled: true, error: undefined });
    expect(time.pending).toBe(0);
  });

  it('leaves no abort listener behind after 10,000 completed sleeps', async () => {
    const time = new FakeTime();
    const signal = new AbortController().signal;
    for (let i = 0; i < 10_000; i++) {
      const done = sleep(5, signal, time);
      expect(listeners(signal)).toBe(1);
      await time.advance(5);
      await done;
    }
    expect(listeners(signal)).toBe(0);
    expect(time.pending).toBe(0);
  });

  // 2,000 is plenty to see a leak; an AbortSignal's listener list makes each removal O(n).
  it('leaves no listener behind after 2,000 concurrent real sleeps', async () => {
    const signal = new AbortController().signal;
    setMaxListeners(4_000, signal);
    const sleeps = Array.from({ length: 2_000 }, () => sleep(0, signal));
    expect(listeners(signal)).toBe(2_000);
    await Promise.all(sleeps);
    expect(listeners(signal)).toBe(0);
  });

  it('rejects with the abort reason, clearing its timer and listener', async () => {
    const time = new FakeTime();
    const controller = new AbortController();
    const done = track(sleep(60_000, controller.signal, time));
    await time.advance(10);
    const reason = new Error('stop');
    controller.abort(reason);
    await time.advance(0);
    expect(done).toEqual({ settled: true, error: reason });
    expect(time.pending).toBe(0);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('rejects at once on an already aborted signal, scheduling nothing', async () => {
    const time = new FakeTime();
    const signal = AbortSignal.abort(new Error('gone'));
    await expect(sleep(10, signal, time)).rejects.toThrow('gone');
    expect(time.requested).toEqual([]);
  });

  it('chains timers for delays beyond the 32-bit setTimeout limit', async () => {
    const time = new FakeTime();
    const year = 365 * 24 * 3_600_000;
    const done = track(sleep(year, new AbortController().signal, time));
    await time.advance(year - 1);
    expect(done.settled).toBe(false);
    await time.advance(1);
    expect(done.settled).toBe(true);
    expect(time.requested.every((ms) => ms <= MAX_TIMER_MS)).toBe(true);
    expect(time.requested.reduce((a, b) => a + b, 0)).toBe(year);
  });

  it.each([-1, Number.NaN])('rejects a delay of %f', async (ms) => {
    await expect(sleep(ms, new AbortController().signal)).rejects.toThrow(RangeError);
  });
});

describe('sleepUntil', () => {
  it('wakes at the deadline on the injected clock', async () => {
    const time = new FakeTime(1_000_000);
    const done = track(sleepUntil(1_060_000, time, new AbortController().signal, time));
    await time.advance(59_999);
    expect(done.settled).toBe(false);
    await time.advance(1);
    expect(done.settled).toBe(true);
    expect(time.now()).toBe(1_060_000);
  });

  it('sleeps again when the wall clock stepped back meanwhile', async () => {
    const time = new FakeTime(0);
    const done = track(sleepUntil(10_000, time, new AbortController().signal, time));
    time.jump(-5_000);
    await time.advance(10_000);
    expect(done.settled).toBe(false);
    expect(time.now()).toBe(5_000);
    await time.advance(5_000);
    expect(done.settled).toBe(true);
    expect(time.requested).toEqual([10_000, 5_000]);
  });

  it('returns without a timer when the deadline has passed', async () => {
    const time = new FakeTime(5_000);
    await sleepUntil(4_000, time, new AbortController().signal, time);
    expect(time.requested).toEqual([]);
  });

  it('rejects with the abort reason and leaves nothing behind', async () => {
    const time = new FakeTime(0);
    const controller = new AbortController();
    const done = track(sleepUntil(10_000, time, controller.signal, time));
    await time.advance(1);
    controller.abort(new Error('shutdown'));
    await time.advance(0);
    expect((done.error as Error).message).toBe('shutdown');
    expect(time.pending).toBe(0);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('waits beyond the setTimeout limit in chunks', async () => {
    const time = new FakeTime(0);
    const deadline = 3 * MAX_TIMER_MS + 7;
    const done = track(sleepUntil(deadline, time, new AbortController().signal, time));
    await time.advance(deadline);
    expect(done.settled).toBe(true);
    expect(time.requested).toEqual([MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS, 7]);
  });
});
