import type { KeyturnError } from '../errors/keyturn-error.ts';
import { leaseOutlook } from '../timing/lease-outlook.ts';
import type { RenewerContext } from './renewer-context.ts';
import type { RenewalKind } from './renewer-metrics.ts';
import { renewFailure, retryUntil } from './retry-until.ts';

/** What Vault granted on a renewal, in keyturn's units. */
export interface Granted {
  ttlMs: number;
  renewable: boolean;
  warnings: readonly string[] | null;
}

/** One renewal of a token or a lease: how to ask, and where the answer goes. */
export interface Renewal {
  kind: Extract<RenewalKind, 'token' | 'lease'>;
  /** For log lines: `token renewal`, `lease renewal of database/creds/app`. */
  what: string;
  /** Log fields naming what is renewed (an accessor, a lease ID): never a secret. */
  fields: Record<string, string>;
  /** Retries stop here: a lease that has run out cannot be renewed. */
  expiresAtMs: number;
  previousTtlMs: number;
  /** The call; undefined when Vault answered without a lifetime. */
  call(): Promise<Granted | undefined>;
  /** Puts the granted lifetime in place, granted at `grantedAtMs`. */
  apply(granted: Granted, grantedAtMs: number): void;
  /** The gauge of what is left, in seconds. */
  gauge(seconds: number): void;
}

export type RenewOutcome =
  | { renewed: true }
  /** It cannot be extended: `reason` for the log; `error` when Vault refused or stayed away. */
  | { renewed: false; reason: string; error?: KeyturnError };

/**
 * Renews a token or a lease once, retrying failures until it would run out (SPEC §6), and
 * judges from Vault's answer whether it can be renewed again (WIRE.md §3–4): the one routine
 * behind both, as Vault's LifetimeWatcher is one loop for both.
 */
export async function renewOnce(
  ctx: RenewerContext,
  signal: AbortSignal,
  renewal: Renewal,
): Promise<RenewOutcome> {
  const attempt = await retryUntil(
    ctx,
    signal,
    renewal.what,
    renewal.expiresAtMs,
    renewal.call,
    renewFailure,
  );
  if (attempt.kind !== 'ok' || !attempt.value) {
    ctx.metrics.renewal(renewal.kind, false);
    if (attempt.kind === 'ok') return { renewed: false, reason: 'Vault answered without a TTL' };
    const reason =
      attempt.kind === 'expired'
        ? `it expired while renewals failed: ${attempt.error.message}`
        : `Vault refused to renew it: ${attempt.error.message}`;
    return { renewed: false, reason, error: attempt.error };
  }
  const granted = attempt.value;
  const now = ctx.clock.now();
  renewal.apply(granted, now);
  ctx.live.lastRenewalAtMs = now;
  ctx.metrics.renewal(renewal.kind, true);
  ctx.metrics.lastSuccess(renewal.kind);
  renewal.gauge(granted.ttlMs / 1000);
  ctx.out.log.info({ ...renewal.fields, ttl: granted.ttlMs / 1000 }, `${renewal.kind} renewed`);
  await ctx.saveState();
  const outlook = leaseOutlook({
    grantedTtlMs: granted.ttlMs,
    previousTtlMs: renewal.previousTtlMs,
    renewable: granted.renewable,
    warnings: granted.warnings,
  });
  if (outlook.decision === 'renew-again') return { renewed: true };
  const reason =
    outlook.reason === 'not-renewable'
      ? 'Vault made it not renewable'
      : `its max TTL is reached (Vault granted only ${granted.ttlMs / 1000}s more)`;
  return { renewed: false, reason };
}
