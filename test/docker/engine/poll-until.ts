import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long (ms). */
  deadlineMs: number;
  /** Between tries (ms); default 100. */
  everyMs?: number;
  /** What is being waited for, for the timeout message. */
  what: string;
}

/**
 * Calls `check` until it returns something other than undefined, or throws at the deadline.
 * For states only observable by asking (a socket answering, a process gone); events that can
 * be streamed (container logs) are awaited directly instead.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: PollOptions,
): Promise<T> {
  const end = Date.now() + options.deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= end)
      throw new Error(`timed out after ${options.deadlineMs} ms waiting for ${options.what}`);
    await sleep(options.everyMs ?? 100);
  }
}
