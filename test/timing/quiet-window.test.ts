import { describe, expect, it } from 'vitest';
import { quietWindow } from '../../src/timing/quiet-window.ts';
import { FakeTime } from './fake-time.ts';

function setup(waitMs = 1000, maxWaitMs = 10_000) {
  const time = new FakeTime();
  const runs: number[] = [];
  const capFactor = maxWaitMs / waitMs;
  const window = quietWindow({ waitMs, capFactor, clock: time, timers: time }, () =>
    runs.push(time.now()),
  );
  return { time, runs, window };
}

describe('quietWindow', () => {
  it('runs once, waitMs after the last of a burst of pokes', async () => {
    const { time, runs, window } = setup();
    window.poke();
    await time.advance(400);
    window.poke();
    await time.advance(900);
    expect(runs).toEqual([]);
    await time.advance(100);
    expect(runs).toEqual([1400]);
    await time.advance(5000);
    expect(runs).toEqual([1400]);
  });

  it('runs again for a poke after the run', async () => {
    const { time, runs, window } = setup();
    window.poke();
    await time.advance(1000);
    window.poke();
    await time.advance(1000);
    expect(runs).toEqual([1000, 2000]);
  });

  it('never holds a flapping value back longer than maxWaitMs after the first poke', async () => {
    const { time, runs, window } = setup(1000, 3000);
    for (let i = 0; i < 10; i++) {
      window.poke();
      await time.advance(500);
    }
    expect(runs).toEqual([3000]);
  });

  it('forgets a pending run when cancelled', async () => {
    const { time, runs, window } = setup();
    window.poke();
    window.cancel();
    await time.advance(5000);
    expect(runs).toEqual([]);
    expect(time.pending).toBe(0);
  });
});
