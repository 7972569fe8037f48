import { describe, expect, it } from 'vitest';
import { AuthError, ExitCode, VaultUnavailableError } from '../../src/errors/keyturn-error.ts';
import {
  type TransportFailure,
  VaultResponseError,
  VaultTransportError,
} from '../../src/vault/errors.ts';
import {
  abortableSleep,
  backoffDelayMs,
  isTransient,
  nextDelayMs,
  type RetryPolicy,
  retry,
} from '../../src/vault/retry.ts';
import { parseRetryAfterMs } from '../../src/vault/retry-after.ts';

const policy = { initialMs: 250, maxMs: 30_000 };

const responseError = (status: number, retryAfterMs?: number) =>
  new VaultResponseError({
    method: 'GET',
    path: 'sys/leader',
    status,
    errors: ['boom'],
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
const transportError = (kind: TransportFailure) =>
  new VaultTransportError({
    method: 'GET',
    path: 'p',
    origin: 'http://v:8200',
    kind,
    mayHaveReachedVault: false,
  });

/** A fake clock advanced only by the recorded sleeps: no real waiting. */
function fakeTime(start = 1_000_000) {
  let now = start;
  const delays: number[] = [];
  return {
    delays,
    clock: { now: () => now },
    sleep: async (ms: number) => {
      delays.push(ms);
      now += ms;
    },
  };
}

describe('backoffDelayMs (equal jitter)', () => {
  it.each([
    // attempt, random, delay: ceiling = min(30000, 250·2^(attempt-1)); delay = ceiling/2 + random·ceiling/2
    [1, 0, 125],
    [1, 0.5, 188],
    [1, 0.999, 250],
    [2, 0, 250],
    [2, 1, 500],
    [3, 0.5, 750],
    [5, 0, 2000],
    [8, 0, 15_000],
    [8, 1, 30_000],
    [9, 0, 15_000],
    [9, 0.5, 22_500],
    [60, 1, 30_000],
    [5000, 0.5, 22_500],
  ])('attempt %i, random %d → %i ms', (attempt, random, delay) => {
    expect(backoffDelayMs(attempt, policy, () => random)).toBe(delay);
  });
});

describe('nextDelayMs with Retry-After', () => {
  it.each([
    ['no Retry-After: the backoff', undefined, 125],
    ['Retry-After longer than the backoff wins', 7000, 7000],
    ['Retry-After shorter than the backoff: the backoff', 10, 125],
    ['Retry-After capped at maxMs', 3_600_000, 30_000],
  ])('%s', (_name, retryAfterMs, delay) => {
    expect(nextDelayMs(responseError(429, retryAfterMs), 1, policy, () => 0)).toBe(delay);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');
  it.each([
    [undefined, undefined],
    ['7', 7000],
    [' 0 ', 0],
    ['Wed, 01 May 2024 10:00:30 GMT', 30_000],
    ['Wed, 01 May 2024 09:00:00 GMT', 0],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
  ])('%j → %j', (header, ms) => {
    expect(parseRetryAfterMs(header, now)).toBe(ms);
  });
});

describe('isTransient', () => {
  it.each([
    ['refused', transportError('refused'), true],
    ['reset', transportError('reset'), true],
    ['timeout', transportError('timeout'), true],
    ['dns', transportError('dns'), true],
    ['untrusted certificate', transportError('tls-untrusted'), false],
    ['TLS handshake', transportError('tls'), false],
    ['500', responseError(500), true],
    ['503 sealed', responseError(503), true],
    ['429', responseError(429), true],
    ['412', responseError(412), true],
    ['400', responseError(400), false],
    ['403', responseError(403), false],
    ['404', responseError(404), false],
    ['other error', new Error('x'), false],
  ])('%s → %s', (_name, err, transient) => {
    expect(isTransient(err)).toBe(transient);
  });
});

describe('retry', () => {
  const base = (time: ReturnType<typeof fakeTime>): RetryPolicy => ({
    ...policy,
    giveUpAfterMs: 60_000,
    isRetryable: isTransient,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
  });

  it('retries transient failures with the backoff and returns the first success', async () => {
    const time = fakeTime();
    const attempts: number[] = [];
    const result = await retry(async (attempt) => {
      attempts.push(attempt);
      if (attempt < 4) throw transportError('refused');
      return 'ok';
    }, base(time));
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(time.delays).toEqual([125, 250, 500]);
  });

  it('honours Retry-After from a 429', async () => {
    const time = fakeTime();
    const seen: Array<[number, number]> = [];
    await retry(
      async (attempt) => {
        if (attempt === 1) throw responseError(429, 4000);
        return 'ok';
      },
      { ...base(time), onRetry: (_err, delayMs, attempt) => seen.push([delayMs, attempt]) },
    );
    expect(time.delays).toEqual([4000]);
    expect(seen).toEqual([[4000, 1]]);
  });

  it('stops at once on a non-retryable error and rethrows it unchanged', async () => {
    const time = fakeTime();
    const refused = new AuthError('invalid role or secret ID');
    let calls = 0;
    const err = await retry(async () => {
      calls++;
      throw refused;
    }, base(time)).catch((e: unknown) => e);
    expect(err).toBe(refused);
    expect(calls).toBe(1);
    expect(time.delays).toEqual([]);
  });

  it('gives up after giveUpAfterMs with exit 69, keeping the last failure as cause', async () => {
    const time = fakeTime();
    const failures: Error[] = [];
    const err = await retry(
      async () => {
        const failure = responseError(503);
        failures.push(failure);
        throw failure;
      },
      { ...base(time), giveUpAfterMs: 1000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultUnavailableError);
    const unavailable = err as VaultUnavailableError;
    expect(unavailable.exitCode).toBe(ExitCode.unavailable);
    expect(unavailable.cause).toBe(failures.at(-1));
    // 125 + 250 + 500, then the last sleep is cut to the deadline (125), then one final attempt.
    expect(time.delays).toEqual([125, 250, 500, 125]);
    expect(failures).toHaveLength(5);
    expect(unavailable.message).toBe(
      'gave up after 1.0 s and 5 attempt(s); last failure: Vault answered GET sys/leader with 503: boom',
    );
  });

  it('stops with the abort reason when the signal fires during a sleep', async () => {
    const controller = new AbortController();
    const reason = new Error('SIGTERM');
    const err = await retry(
      async () => {
        throw transportError('refused');
      },
      {
        ...policy,
        giveUpAfterMs: Number.POSITIVE_INFINITY,
        isRetryable: isTransient,
        signal: controller.signal,
        onRetry: () => controller.abort(reason),
      },
    ).catch((e: unknown) => e);
    expect(err).toBe(reason);
  });

  it('abortableSleep resolves after the time and rejects at once on abort', async () => {
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
