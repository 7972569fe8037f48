import { describe, expect, it } from 'vitest';
import { afterChildExit } from '../../src/exec/crash-backoff.ts';

describe('afterChildExit', () => {
  it.each([
    [
      'the first child exits',
      { afterRestart: false, status: 3, upMs: 10, crashes: 0 },
      { retry: false, gaveUp: false },
    ],
    [
      'a restarted child exits 0',
      { afterRestart: true, status: 0, upMs: 10, crashes: 0 },
      { retry: false, gaveUp: false },
    ],
    [
      'a restarted child ran a while',
      { afterRestart: true, status: 1, upMs: 10_000, crashes: 0 },
      { retry: false, gaveUp: false },
    ],
    [
      'a restarted child dies at once',
      { afterRestart: true, status: 1, upMs: 9_999, crashes: 0 },
      { retry: true, delayMs: 500 },
    ],
    [
      'second quick death',
      { afterRestart: true, status: 137, upMs: 10, crashes: 1 },
      { retry: true, delayMs: 1000 },
    ],
    [
      'third quick death',
      { afterRestart: true, status: 1, upMs: 10, crashes: 2 },
      { retry: true, delayMs: 2000 },
    ],
    [
      'fourth quick death',
      { afterRestart: true, status: 1, upMs: 10, crashes: 3 },
      { retry: false, gaveUp: true },
    ],
  ])('%s', (_, exit, expected) => {
    expect(afterChildExit(exit)).toEqual(expected);
  });
});
