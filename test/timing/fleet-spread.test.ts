import { describe, expect, it } from 'vitest';
import { lifetimeWatcherDelayMs, mulberry32, simulateFleet } from '../../bench/fleet-spread.ts';
import { renewDelayMs } from '../../src/timing/renew-delay.ts';

// SPEC §6 as a property of renewDelayMs: 1,000 agents with 1-hour tokens logged in within one
// second; seeded, so each case is one fixed fleet rather than a timing measurement.
describe('first renewals of a fleet started in one second', () => {
  const seeds = Array.from({ length: 50 }, (_, index) => index + 1);

  it.each(seeds)(
    'seed %i: busiest minute <= 1.5x the mean minute, none after 80%% of the TTL',
    (seed) => {
      const spread = simulateFleet({ delay: renewDelayMs, random: mulberry32(seed) });
      expect(spread.ratio).toBeLessThanOrEqual(1.5);
      expect(spread.latestFraction).toBeLessThanOrEqual(0.8);
      // About 83 a minute: a 12-minute window, not a burst.
      expect(spread.meanPerBucket).toBeLessThan(90);
    },
  );

  it("spreads the peak at least four times flatter than Vault's LifetimeWatcher", () => {
    for (const seed of seeds.slice(0, 10)) {
      const ours = simulateFleet({ delay: renewDelayMs, random: mulberry32(seed) });
      const vaults = simulateFleet({ delay: lifetimeWatcherDelayMs, random: mulberry32(seed) });
      expect(vaults.busiest).toBeGreaterThan(4 * ours.busiest);
    }
  });

  it('mulberry32 is reproducible and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1_000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1_000 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(draws).size).toBe(1_000);
  });
});
