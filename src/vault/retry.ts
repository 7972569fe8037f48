import { VaultUnavailableError } from '../errors/keyturn-error.ts';
import { VaultResponseError, VaultTransportError } from './errors.ts';

export interface BackoffPolicy {
  /** Ceiling of the first delay. */
  initialMs: number;
  /** Ceiling of every delay, Retry-After included. */
  maxMs: number;
}

export interface RetryPolicy extends BackoffPolicy {
  /** From the first attempt; Infinity for a renewer that must not give up. */
  giveUpAfterMs: number;
  isRetryable: (err: unknown) => boolean;
  signal?: AbortSignal;
  clock?: { now(): number };
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (err: unknown, delayMs: number, attempt: number) => void;
}

/**
 * Delay after failed attempt `attempt` (1-based): "equal jitter" — half of the doubled,
 * capped ceiling fixed, the other half random. Why not full jitter: its delays can be ~0,
 * so one client may hit a Vault that just failed again at once; equal jitter keeps a floor
 * that doubles each time while still spreading a fleet that failed together over half the window.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The wait before the next attempt: the backoff, or longer when Vault asked for it with
 * Retry-After (429) — still capped at maxMs, so a huge or hostile Retry-After cannot stall
 * start-up past what the operator configured; Vault simply answers 429 again if too early.
 */
export function nextDelayMs(
  err: unknown,
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const backoff = backoffDelayMs(attempt, policy, random);
  const retryAfterMs = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof retryAfterMs !== 'number') return backoff;
  return Math.min(policy.maxMs, Math.max(backoff, retryAfterMs));
}

/** Worth another attempt: Vault down, sealed, rate-limited, behind on replication (412). */
export function isTransient(err: unknown): boolean {
  if (err instanceof VaultTransportError) return err.transient;
  if (err instanceof VaultResponseError) {
    return err.status === 412 || err.status === 429 || err.status >= 500;
  }
  return false;
}

/** A timer that an abort cuts short (rejecting with the signal's reason). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error (rethrown as is), or
 * `giveUpAfterMs` has passed: then the last error is wrapped in VaultUnavailableError (69).
 * The last sleep is cut to the deadline so one final attempt happens right at it.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  const clock = policy.clock ?? Date;
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? abortableSleep;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    policy.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      policy.signal?.throwIfAborted();
      if (!policy.isRetryable(err)) throw err;
      const elapsed = clock.now() - started;
      const remaining = policy.giveUpAfterMs - elapsed;
      if (remaining <= 0) {
        const last = err instanceof Error ? err.message : String(err);
        throw new VaultUnavailableError(
          `gave up after ${formatDuration(elapsed)} and ${attempt} attempt(s); last failure: ${last}`,
          { cause: err, details: { attempts: attempt, elapsedMs: elapsed } },
        );
      }
      const delayMs = Math.min(nextDelayMs(err, attempt, policy, random), remaining);
      policy.onRetry?.(err, delayMs, attempt);
      await sleep(delayMs, policy.signal);
    }
  }
}
