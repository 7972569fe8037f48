import { describe, expect, it } from 'vitest';
import { MIN_RENEW_DELAY_MS, RENEW_WINDOW, renewDelayMs } from '../../src/timing/renew-delay.ts';

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const fixed = (value: number) => () => value;

describe('renewDelayMs', () => {
  // Expected values worked out by hand: ttl * (17 + 6r) / 30, rounded down.
  it.each([
    [SECOND, 0, 566],
    [SECOND, 0.5, 666],
    [SECOND, 0.999, 766],
    [3 * SECOND, 0, 1_700],
    [3 * SECOND, 0.5, 2_000],
    [3 * SECOND, 0.999, 2_299],
    [HOUR, 0, 2_040_000],
    [HOUR, 0.5, 2_400_000],
    [HOUR, 0.999, 2_759_280],
    [32 * DAY, 0, 1_566_720_000],
    [32 * DAY, 0.5, 1_843_200_000],
    [32 * DAY, 0.999, 2_119_127_040],
  ])('ttl %i ms, random %f → %i ms', (ttlMs, random, expected) => {
    const delay = renewDelayMs(ttlMs, fixed(random));
    expect(delay).toBe(expected);
    expect(delay).toBeGreaterThanOrEqual(Math.floor(ttlMs * RENEW_WINDOW.start));
    expect(delay).toBeLessThan(ttlMs * RENEW_WINDOW.end);
    expect(delay).toBeLessThanOrEqual(ttlMs * 0.8);
  });

  it('centres the window on two thirds of the TTL and ends it before 80%', () => {
    expect((RENEW_WINDOW.start + RENEW_WINDOW.end) / 2).toBeCloseTo(2 / 3, 12);
    expect(RENEW_WINDOW.end).toBeLessThan(0.8);
  });

  it.each([
    ['NaN', Number.NaN, 566],
    ['a negative number', -0.5, 566],
    ['exactly 1', 1, 766],
    ['more than 1', 7, 766],
  ])('keeps a random source returning %s inside the window', (_, value, expected) => {
    expect(renewDelayMs(SECOND, fixed(value))).toBe(expected);
  });

  it.each([
    [150, 0, MIN_RENEW_DELAY_MS],
    [150, 0.999, 114],
    [120, 0.5, 92],
    [10, 0.5, 7],
    [1, 0.5, 1],
    [0.5, 0, 1],
  ])('never spins on a tiny TTL: ttl %f ms, random %f → %i ms', (ttlMs, random, expected) => {
    const delay = renewDelayMs(ttlMs, fixed(random));
    expect(delay).toBe(expected);
    expect(delay).toBeGreaterThan(0);
  });

  it('keeps the floor below the TTL for every TTL from 1 ms to 2 s', () => {
    for (let ttlMs = 2; ttlMs <= 2_000; ttlMs++) {
      for (const random of [0, 0.5, 0.999]) {
        const delay = renewDelayMs(ttlMs, fixed(random));
        expect(delay).toBeGreaterThanOrEqual(1);
        expect(delay).toBeLessThan(ttlMs);
        if (ttlMs >= 131) expect(delay).toBeGreaterThanOrEqual(MIN_RENEW_DELAY_MS);
      }
    }
  });

  it('returns delays past the setTimeout limit for TTLs over ~32.4 days (sleep chains them)', () => {
    expect(renewDelayMs(365 * DAY, fixed(0.5))).toBe(21_024_000_000);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects ttl %f', (ttlMs) => {
    expect(() => renewDelayMs(ttlMs, fixed(0.5))).toThrow(RangeError);
    expect(() => renewDelayMs(ttlMs, fixed(0.5))).toThrow(`got ${ttlMs}`);
  });
});
