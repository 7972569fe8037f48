import { describe, expect, it } from 'vitest';
import { exitStatusOf } from '../../src/exec/exit-status.ts';

describe('exitStatusOf', () => {
  it.each([
    [{ exitCode: 0 }, 0],
    [{ exitCode: 3 }, 3],
    [{ signal: 'SIGTERM' as const }, 143],
    [{ signal: 'SIGKILL' as const }, 137],
    [{ signal: 'SIGINT' as const }, 130],
    [{ signal: 'SIGALRM' as const }, 142],
  ])('%o → %i', (end, status) => {
    expect(exitStatusOf(end)).toBe(status);
  });
});
