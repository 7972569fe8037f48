import { describe, expect, it } from 'vitest';
import { DEFAULT_RENEW_RETRY, renewRetryDelayMs } from '../../src/timing/renew-retry-delay.ts';

const fixed = (value: number) => () => value;
const bounds = DEFAULT_RENEW_RETRY; // 10 s doubling up to 5 min

describe('renewRetryDelayMs', () => {
  // base = min(5 min, 10 s * 2^attempt); delay = base/2 + random * base/2, rounded down.
  it.each([
    [0, 0, 5_000],
    [0, 0.5, 7_500],
    [0, 0.999, 9_995],
    [1, 0, 10_000],
    [1, 0.999, 19_990],
    [3, 0.5, 60_000],
    [4, 0.5, 120_000],
    [5, 0, 150_000], // base 320 s capped at 300 s
    [5, 0.999, 299_850],
    [60, 0.5, 225_000],
    [5_000, 0.5, 225_000], // 2^5000 is Infinity: still capped
  ])('attempt %i, random %f → %i ms', (attempt, random, expected) => {
    const delay = renewRetryDelayMs(attempt, bounds, fixed(random));
    expect(delay).toBe(expected);
    expect(delay).toBeLessThan(bounds.maxMs);
  });

  it.each([
    ['a short Retry-After under the backoff', 0, 0.5, 2_000, 7_500],
    ['a Retry-After above the backoff, stretched 10%', 0, 0.5, 30_000, 33_000],
    ['a Retry-After with random 0: exactly honoured', 0, 0, 30_000, 30_000],
    ['a Retry-After beyond maxMs is still honoured', 5, 0.999, 600_000, 719_880],
    ['Retry-After 0 is ignored', 0, 0.5, 0, 7_500],
    ['a NaN Retry-After is ignored', 0, 0.5, Number.NaN, 7_500],
  ])('%s', (_, attempt, random, retryAfterMs, expected) => {
    expect(renewRetryDelayMs(attempt, bounds, fixed(random), retryAfterMs)).toBe(expected);
  });

  it('never returns 0 even with a 1 ms initial delay', () => {
    expect(renewRetryDelayMs(0, { initialMs: 1, maxMs: 1 }, fixed(0))).toBe(1);
  });

  it.each([
    ['a negative attempt', -1, bounds, 'attempt must be an integer >= 0, got -1'],
    ['a fractional attempt', 1.5, bounds, 'got 1.5'],
    ['initialMs 0', 0, { initialMs: 0, maxMs: 10 }, 'got 0 and 10'],
    ['maxMs below initialMs', 0, { initialMs: 10, maxMs: 5 }, 'got 10 and 5'],
  ])('rejects %s', (_, attempt, badBounds, message) => {
    expect(() => renewRetryDelayMs(attempt, badBounds, fixed(0.5))).toThrow(message);
  });
});
