import { backoffDelayMs } from '../vault/retry.ts';
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
 * retries already waited for (0 after the first failure). The backoff is the client's own
 * (`backoffDelayMs`: doubling from `initialMs` up to `maxMs`, equal jitter). Why not Vault's
 * ±50%: its upper half overshoots `maxMs`, and capping it there would line a whole fleet up
 * on the same instant again. Unlike start-up retries, a `Retry-After` (429 from a rate-limit
 * quota) is a floor even beyond `maxMs` — a renewer has the lease's time, not a deadline of
 * the operator's — stretched by up to 20% with the same random draw so a fleet throttled
 * together does not return together. The caller caps the result at the time left.
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
  // backoffDelayMs counts attempts from 1; one draw serves both the backoff and the stretch.
  const jittered = Math.max(
    1,
    backoffDelayMs(attempt + 1, bounds, () => unit),
  );
  if (retryAfterMs === undefined || !(retryAfterMs > 0)) return jittered;
  return Math.max(jittered, Math.ceil(retryAfterMs * (1 + 0.2 * unit)));
}
