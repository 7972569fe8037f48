/** What a successful renewal (or login) answered, as the renewer sees it. */
export interface RenewalResult {
  /** The increment keyturn asked for; undefined or 0 means "the server's default". */
  requestedIncrementMs?: number;
  /** The TTL Vault granted in this answer (`auth.lease_duration` / `lease_duration`). */
  grantedTtlMs: number;
  /** The TTL granted by the previous login or renewal of the same token or lease. */
  previousTtlMs: number;
  renewable: boolean;
  /** Vault's `warnings` on the answer: a max-TTL cap is announced there. */
  warnings?: readonly string[] | null;
}

export type LeaseDecision = 'renew-again' | 'cannot-extend';

export interface LeaseOutlook {
  decision: LeaseDecision;
  /** Why, for the log line. */
  reason: 'renewable' | 'not-renewable' | 'ttl-capped' | 'ttl-shrinking' | 'ttl-too-short';
}

/**
 * A granted TTL under half of the expected one means the max TTL cap has started eating
 * the lease. Why half: Vault's LifetimeWatcher stops once remaining <= 4·grace, with grace in
 * [10%, 20%) of the last growing lease — a threshold between 40% and 80% of it; 50% sits in
 * that range while tolerating the second or two that an uncapped renewal loses to rounding.
 * Once capped, each renewal in the [17/30, 23/30) window returns at most 43% of the
 * previous TTL, so this stops at the second capped renewal at the latest.
 */
const SHRINK_LIMIT = 0.5;

/**
 * Below this a renewal window of [57%, 77%) of the TTL leaves under ~60 ms for the request
 * itself; Vault's TTLs are whole seconds, so only test servers and the cap produce it.
 */
const MIN_EXTENDABLE_TTL_MS = 250;

/**
 * After a successful renewal: schedule another, or treat the lease as expiring (log in again,
 * or exit 75 shortly before expiry). Follows the LifetimeWatcher's stop rule (WIRE.md §4),
 * made deterministic: the expected TTL is the previous one, or the requested increment when
 * that is shorter (Vault grants the increment, not the login TTL, on renewals).
 */
export function leaseOutlook(result: RenewalResult): LeaseOutlook {
  if (!result.renewable) return { decision: 'cannot-extend', reason: 'not-renewable' };
  if (!(result.grantedTtlMs >= MIN_EXTENDABLE_TTL_MS)) {
    return { decision: 'cannot-extend', reason: 'ttl-too-short' };
  }
  if (isCappedByMaxTtl(result.warnings)) return { decision: 'cannot-extend', reason: 'ttl-capped' };
  const increment = result.requestedIncrementMs ?? 0;
  const expected = increment > 0 ? Math.min(increment, result.previousTtlMs) : result.previousTtlMs;
  if (result.grantedTtlMs < expected * SHRINK_LIMIT) {
    return { decision: 'cannot-extend', reason: 'ttl-shrinking' };
  }
  return { decision: 'renew-again', reason: 'renewable' };
}

/**
 * Vault's own word that a renewal hit the max TTL (WIRE.md §3): `TTL of "1h" exceeded the
 * effective max_ttl of "10m"; TTL value is capped accordingly`. Why act on the first one:
 * Vault counts the max TTL from the issue second, so a granted "1s" can mean less; waiting
 * for the shrink rule's second capped renewal can leave too little time to log in again and
 * fetch the leases before the token dies. A capped *period* (periodic tokens) is not this:
 * such tokens renew forever at the capped period.
 */
export function isCappedByMaxTtl(warnings: readonly string[] | null | undefined): boolean {
  return (warnings ?? []).some((warning) =>
    /^TTL of .* exceeded the effective max_ttl of .*capped/.test(warning),
  );
}

/**
 * Bounds of the safety margin before expiry. Why 5% of what is left (at least 1 s, at most
 * 5 min): the supervisor needs time to notice the exit, start a container and log in before
 * the token — and every lease under it — is revoked, and that grows with the lease's scale
 * (a 1-hour token cut at ~20 minutes left exits about a minute early); 1 s covers exit
 * latency and clock granularity on short test leases; 5 min keeps "shortly" shortly for
 * month-long tokens, whose secrets the application should keep using as long as it can.
 */
const EXIT_MARGIN = { fraction: 0.05, minMs: 1_000, maxMs: 5 * 60_000 } as const;

/**
 * The instant (same clock as the arguments, epoch ms) at which `agent` should exit 75 for a
 * token that expires at `expiresAtMs`, decided at `nowMs`; never earlier than `nowMs`.
 * Pairs with `sleepUntil(exitBeforeExpiryMs(expiresAt, clock.now()), clock, signal)`.
 */
export function exitBeforeExpiryMs(expiresAtMs: number, nowMs: number): number {
  const remaining = expiresAtMs - nowMs;
  if (!(remaining > 0)) return nowMs;
  const margin = Math.min(
    EXIT_MARGIN.maxMs,
    Math.max(EXIT_MARGIN.minMs, remaining * EXIT_MARGIN.fraction),
  );
  return Math.max(nowMs, Math.floor(expiresAtMs - margin));
}

/**
 * Vault's answers to a failed renew that no retry can fix (WIRE.md §2–3): the token or lease
 * is expired or revoked (403 `invalid token`, 400 `lease not found`), past its max TTL, or not
 * renewable at all.
 */
const CANNOT_EXTEND = [
  'invalid token',
  'past the max TTL',
  'lease is not renewable',
  'batch tokens cannot be renewed',
  'lease expired',
  // sys/leases/renew for a lease revoked from outside (or never known to this cluster).
  'lease not found',
  'invalid lease',
].map((text) => text.toLowerCase());

/**
 * After a failed renewal: `cannot-extend` for the answers above, else `retry` — network
 * errors, 429, 412, 5xx (also the 500 of a deleted AppRole role, which looks transient) and
 * any other refusal are retried with backoff until the lease runs out (SPEC §6).
 */
export function renewFailureOutlook(
  status: number | undefined,
  messages: readonly string[],
): 'retry' | 'cannot-extend' {
  if (status !== 400 && status !== 403) return 'retry';
  const text = messages.join('\n').toLowerCase();
  return CANNOT_EXTEND.some((needle) => text.includes(needle)) ? 'cannot-extend' : 'retry';
}
