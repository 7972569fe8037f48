import { unitInterval } from './unit-interval.ts';

/**
 * When to renew a lease: a uniform random instant in [17/30, 23/30) of its TTL, i.e. 2/3 ± 1/10.
 *
 * Why this window (SPEC §6): Vault's own LifetimeWatcher sleeps `2/3·ttl + grace/3` with grace
 * in [10%, 20%) of the lease, so its renewals land in [70%, 73.3%) of the TTL — a 2-minute
 * slice of a 1-hour token: a fleet started in one second renews at ~500 agents a minute.
 * This window is 1/5 of the TTL wide: 12 minutes of a 1-hour token, so 1,000 agents that
 * logged in within one second renew at a mean of 83 a minute. Each minute's count is
 * binomial (σ ≈ 8.7); 1.5× the mean is 125, 4.7 σ away, so the busiest minute exceeds 1.5×
 * the mean in ~1 of 18,000 such fleets (exact binomial tail; bench/fleet-spread.ts measures a
 * median ratio of ~1.17 and none over 1.5 in 10,000 seeded fleets). A wider window lowers the
 * absolute peak but raises that ratio's odds: 2/3 ± 2/15, reaching the 80% limit, exceeds
 * 1.5× in ~0.1% of fleets. The end, 76.7%, keeps a margin under SPEC's "about 80%" and
 * leaves 14 minutes of a 1-hour token for retries; centring on 2/3 keeps the mean renewal
 * where Vault's clients put it.
 */
export const RENEW_WINDOW = { start: 17 / 30, end: 23 / 30 } as const;

/** The window in thirtieths: multiplying by whole numbers first keeps round TTLs exact. */
const START_30THS = 17;
const WIDTH_30THS = 6;

/**
 * Floor on any renewal delay, so a renewer never spins even on absurdly short leases.
 * It gives way to the window's end (76.7% of the TTL) for TTLs under ~130 ms, where renewing
 * late would be worse than renewing fast; lease-outlook stops such leases anyway.
 */
export const MIN_RENEW_DELAY_MS = 100;

/**
 * Milliseconds to wait, after a lease of `ttlMs` was granted, before renewing it.
 * `random` returns a number in [0, 1) (Math.random or a seeded source in tests).
 * The result may exceed setTimeout's limit for TTLs over ~32.4 days: wait with `sleep`,
 * which chains timers, rather than a bare setTimeout.
 */
export function renewDelayMs(ttlMs: number, random: () => number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`renewDelayMs: ttlMs must be a positive finite number, got ${ttlMs}`);
  }
  const unit = unitInterval(random());
  const at = (ttlMs * (START_30THS + unit * WIDTH_30THS)) / 30;
  const latest = (ttlMs * (START_30THS + WIDTH_30THS)) / 30;
  const floor = Math.min(MIN_RENEW_DELAY_MS, latest);
  // Whole milliseconds, rounded down so the delay stays strictly inside the window; at least
  // 1 ms because a zero timeout is a spin.
  return Math.max(1, Math.floor(Math.max(floor, at)));
}
