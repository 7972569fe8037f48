import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, tryParseDuration } from '../../src/config/duration.ts';
import { UsageError } from '../../src/errors/keyturn-error.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['72h', 259_200_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['1m30.5s', 90_500],
    ['1500us', 2],
    ['2000µs', 2],
    ['2000μs', 2],
    ['1000000ns', 1],
    ['0s', 0],
    ['0', 0],
    ['30', 30_000],
    [30, 30_000],
    [0, 0],
    ['7d', 604_800_000],
    ['1h0m0s', 3_600_000],
  ])('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    ['1 week'],
    ['1w'],
    ['2 years'],
    ['1h 30m'],
    ['1d12h'],
    ['1.5d'],
    ['h'],
    [''],
    ['-5s'],
    ['+5s'],
    ['-5'],
    ['5S'],
    ['1e3s'],
    ['10 s'],
    [' 10s'],
    ['abc'],
    ['5sec'],
  ])('%j is refused, quoting the value', (input) => {
    const result = tryParseDuration(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(`"${input}"`);
    expect(() => parseDuration(input)).toThrow(UsageError);
  });

  it.each([
    [1.5, 'whole seconds'],
    [-1, 'whole seconds'],
    [Number.NaN, 'whole seconds'],
    ['999999999999h', 'too long'],
  ])('%j is refused (%s)', (input, why) => {
    const result = tryParseDuration(input);
    expect(result.ok ? '' : result.message).toContain(why);
  });

  it('says a negative duration is negative', () => {
    expect(() => parseDuration('-5s')).toThrow(/cannot be negative/);
  });

  it('refuses a value of another type without crashing', () => {
    expect(tryParseDuration(true)).toEqual({
      ok: false,
      message: expect.stringContaining('got boolean'),
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [259_200_000, '72h'],
    [3_600_001, '1h0.001s'],
    [-2000, '-2s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each(['90s', '1h30m', '72h', '250ms', '1m30.5s'])('round-trips %s', (text) => {
    expect(parseDuration(formatDuration(parseDuration(text)))).toBe(parseDuration(text));
  });
});
