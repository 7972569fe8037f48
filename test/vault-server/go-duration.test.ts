import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseDurationSeconds, rfc3339Nano } from './go-duration.ts';

describe('parseDurationSeconds', () => {
  it.each([
    [90, 90],
    ['90', 90],
    ['1h30m', 5400],
    ['72h', 259200],
    ['1.5s', 1.5],
    ['500ms', 0.5],
    ['7d', 604800],
    ['', 0],
    [undefined, 0],
    ['0', 0],
    ['soon', undefined],
    ['1x', undefined],
    [true, undefined],
  ])('%j -> %j', (input, expected) => {
    expect(parseDurationSeconds(input)).toBe(expected);
  });
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [2, '2s'],
    [60, '1m0s'],
    [600, '10m0s'],
    [3600, '1h0m0s'],
    [2764800, '768h0m0s'],
    [315360000, '87600h0m0s'],
    [3661, '1h1m1s'],
  ])('%d -> %s', (seconds, expected) => {
    expect(formatGoDuration(seconds)).toBe(expected);
  });
});

describe('rfc3339Nano', () => {
  it.each([
    [Date.UTC(2025, 0, 2, 3, 4, 5, 120), '2025-01-02T03:04:05.12Z'],
    [Date.UTC(2025, 0, 2, 3, 4, 5, 0), '2025-01-02T03:04:05Z'],
    [Date.UTC(2025, 0, 2, 3, 4, 5, 7), '2025-01-02T03:04:05.007Z'],
  ])('%d -> %s', (ms, expected) => {
    expect(rfc3339Nano(ms)).toBe(expected);
  });
});
