import { unitInterval } from './unit-interval.ts';

/** Backoff bounds for failed renewals. */
export interface RenewRetryBounds {
  initialMs: number;
  maxMs: number;
}

/** Vault's LifetimeWatcher uses the same bounds (WIRE.md §4): 10 s doubling up to 5 min. */
export const DEFAULT_RENEW_RETRY: RenewRetryBounds = { initialMs: 10_000, maxMs: 5 * 60_000 };

/**
 * Milliseconds to wait after a failed renewal before trying again; `attempt` counts the
 * retries already waited for (0 after the first failure). Exponential, doubling from `initialMs` up to `maxMs`, with
 * "equal jitter": uniform in [base/2, base). Why not Vault's ±50%: its upper half overshoots
 * `maxMs`, and capping it there would line a whole fleet up on the same instant again.
 * A `Retry-After` (429 from a rate-limit quota) is a floor, stretched by up to 20% with the
 * same random draw so a fleet throttled together does not return together.
 * The caller still caps the result at the time left before the lease expires.
 */
export function renewRetryDelayMs(
  attempt: number,
  bounds: RenewRetryBounds,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`renewRetryDelayMs: attempt must be an integer >= 0, got ${attempt}`);
  }
  if (!(bounds.initialMs > 0) || !(bounds.maxMs >= bounds.initialMs)) {
    throw new RangeError(
      `renewRetryDelayMs: need 0 < initialMs <= maxMs, got ${bounds.initialMs} and ${bounds.maxMs}`,
    );
  }
  const unit = unitInterval(random());
  // 2 ** attempt overflows to Infinity past ~1023; min() turns that into maxMs.
  const base = Math.min(bounds.maxMs, bounds.initialMs * 2 ** attempt);
  const jittered = Math.floor(base / 2 + (unit * base) / 2);
  if (retryAfterMs === undefined || !(retryAfterMs > 0)) return Math.max(1, jittered);
  return Math.max(jittered, Math.ceil(retryAfterMs * (1 + 0.2 * unit)));
}
