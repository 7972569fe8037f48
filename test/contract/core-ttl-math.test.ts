import { describe, expect, it } from 'vitest';
import { humanDuration, parseDurationSecond, rfc3339Nano } from '../vault-server/go-duration.ts';
import { calculateTtl } from '../vault-server/ttl-math.ts';

describe('Go durations as Vault prints and parses them', () => {
  it.each([
    [0, '0s'],
    [2, '2s'],
    [60, '1m'],
    [90, '1m30s'],
    [600, '10m'],
    [3600, '1h'],
    [3605, '1h5s'],
    [3660, '1h1m'],
    [36000, '10h'],
    [259200, '72h'],
  ])('humanDuration(%d) = %s', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });

  it.each([
    ['120s', 120],
    ['120', 120],
    [90, 90],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['2d', 172800],
    ['500ms', 0],
  ])('parseDurationSecond(%j) = %d', (input, seconds) => {
    expect(parseDurationSecond(input)).toBe(seconds);
  });

  it('throws Go text for a bad duration', () => {
    expect(() => parseDurationSecond('5x')).toThrow('time: invalid duration "5x"');
  });

  it.each([
    [Date.UTC(2024, 0, 1), '2024-01-01T00:00:00Z'],
    [Date.UTC(2024, 0, 1) + 120, '2024-01-01T00:00:00.12Z'],
  ])('rfc3339Nano(%d) = %s', (ms, text) => {
    expect(rfc3339Nano(ms)).toBe(text);
  });
});

describe('CalculateTTL (WIRE §3)', () => {
  const t0 = Date.UTC(2024, 0, 1);
  const base = {
    incrementSeconds: 0,
    backendTtlSeconds: 0,
    periodSeconds: 0,
    backendMaxTtlSeconds: 0,
    explicitMaxTtlSeconds: 0,
    issueMs: t0,
    nowMs: t0,
  };
  it.each([
    ['increment wins', { incrementSeconds: 300, backendTtlSeconds: 60 }, 300, []],
    ['backend TTL without increment', { backendTtlSeconds: 60 }, 60, []],
    ['system default otherwise', {}, 768 * 3600, []],
    [
      'capped by the backend max',
      { incrementSeconds: 3600, backendMaxTtlSeconds: 600 },
      600,
      ['TTL of "1h" exceeded the effective max_ttl of "10m"; TTL value is capped accordingly'],
    ],
    [
      'capped by what is left of the max',
      { incrementSeconds: 60, backendMaxTtlSeconds: 120, nowMs: t0 + 118_000 },
      2,
      ['TTL of "1m" exceeded the effective max_ttl of "2s"; TTL value is capped accordingly'],
    ],
    [
      'period capped by explicit max',
      { periodSeconds: 72 * 3600, explicitMaxTtlSeconds: 36000 },
      36000,
      [
        'period of "72h" exceeded the effective max_ttl of "10h"; period value is capped accordingly',
      ],
    ],
    [
      'period, no explicit max: no max check',
      { periodSeconds: 60, nowMs: t0 + 10 * 768 * 3600_000 },
      60,
      [],
    ],
  ])('%s', (_name, input, ttl, warnings) => {
    expect(calculateTtl({ ...base, ...input })).toEqual({ ttlSeconds: ttl, warnings });
  });

  it('refuses past the max TTL', () => {
    expect(() => calculateTtl({ ...base, backendMaxTtlSeconds: 60, nowMs: t0 + 60_000 })).toThrow(
      'past the max TTL, cannot renew',
    );
  });
});
