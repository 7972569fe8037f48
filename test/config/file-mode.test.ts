import { describe, expect, it } from 'vitest';
import {
  formatFileMode,
  isWiderThan,
  parseFileMode,
  tryParseFileMode,
} from '../../src/config/file-mode.ts';

describe('tryParseFileMode', () => {
  it.each([
    ['0400', 0o400],
    ['400', 0o400],
    ['0640', 0o640],
    ['0777', 0o777],
    ['0000', 0],
    ['000', 0],
    ['600', 0o600],
  ])('%s is %o', (text, mode) => {
    expect(tryParseFileMode(text)).toEqual({ ok: true, mode });
    expect(parseFileMode(text)).toBe(mode);
  });

  it.each([
    [400, 'a YAML number is ambiguous'],
    [256, 'got the number 256'],
    ['0800', 'octal digits'],
    ['04000', 'got "04000"'],
    ['40', 'got "40"'],
    ['rw-r--r--', 'octal digits'],
    ['', 'octal digits'],
    ['0o400', 'octal digits'],
    ['4755', 'setuid, setgid or sticky'],
    ['2700', 'setuid, setgid or sticky'],
    ['1777', 'setuid, setgid or sticky'],
    [true, 'got boolean'],
    [null, 'got object'],
  ])('%j is refused: %s', (input, why) => {
    const result = tryParseFileMode(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(why);
  });
});

describe('isWiderThan', () => {
  it.each([
    [0o400, 0o600, false],
    [0o600, 0o600, false],
    [0o000, 0o600, false],
    [0o640, 0o600, true],
    [0o604, 0o600, true],
    [0o700, 0o600, true],
    [0o440, 0o640, false],
  ])('%o wider than %o: %s', (mode, limit, wider) => {
    expect(isWiderThan(mode, limit)).toBe(wider);
  });
});

describe('formatFileMode', () => {
  it.each([
    [0o400, '0400'],
    [0o40, '0040'],
    [0, '0000'],
    [0o777, '0777'],
  ])('%o is %s', (mode, text) => {
    expect(formatFileMode(mode)).toBe(text);
  });
});
