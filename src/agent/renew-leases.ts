import { leaseOutlook } from '../timing/lease-outlook.ts';
import { renewDelayMs } from '../timing/renew-delay.ts';
import type { Actor } from '../timing/run-group.ts';
import { sleepUntil } from '../timing/sleep.ts';
import type { VaultClient } from '../vault/client.ts';
import { boundClient } from './bound-client.ts';
import { refetchUntilDone, slotPath } from './fetch-item.ts';
import type { HeldLease, Slot } from './live-set.ts';
import { perGeneration } from './per-generation.ts';
import type { RenewerContext } from './renewer-context.ts';
import { renewFailure, retryUntil } from './retry-until.ts';
import { untilAborted } from './until-aborted.ts';

/**
 * The renew-leases actor (SPEC §6): every leased secret is renewed with sys/leases/renew on
 * the token's kind of schedule, and fetched again before its lease runs out once it cannot
 * be extended; the file is rewritten only if the content changed. Leased certificates are
 * left to rotate-certs, which re-issues them on their own lifetime.
 */
export function renewLeasesActor(ctx: RenewerContext): Actor | undefined {
  const slots = ctx.live.leasedSlots().filter((slot) => slot.kind === 'secret');
  if (slots.length === 0) return undefined;
  const loops = slots.map((slot) => ({
    name: `lease ${slotPath(ctx, slot)}`,
    run: (signal: AbortSignal) => keepLease(ctx, slot, signal),
  }));
  return perGeneration(ctx, 'renew-leases', loops);
}

async function keepLease(ctx: RenewerContext, slot: Slot, signal: AbortSignal): Promise<void> {
  const client = boundClient(ctx.client, signal);
  for (;;) {
    const lease = ctx.live.lease(slot);
    // No lease now (the secret came back without one) or one that never expires: nothing to do.
    if (!lease || !(lease.durationMs > 0)) return untilAborted(signal);
    await sleepUntil(
      lease.grantedAtMs + renewDelayMs(lease.durationMs, ctx.random),
      ctx.clock,
      signal,
      ctx.timers,
    );
    if (lease.renewable && (await renewLease(ctx, client, signal, slot, lease))) continue;
    await fetchAgain(ctx, client, signal, slot);
  }
}

/** One renewal with its retries; true when the lease may be renewed again later. */
async function renewLease(
  ctx: RenewerContext,
  client: VaultClient,
  signal: AbortSignal,
  slot: Slot,
  lease: HeldLease,
): Promise<boolean> {
  const attempt = await retryUntil(
    ctx,
    signal,
    `lease renewal of ${lease.path}`,
    lease.grantedAtMs + lease.durationMs,
    () =>
      client.request('PUT', 'sys/leases/renew', {
        token: ctx.live.token.token,
        body: { lease_id: lease.id },
      }),
    renewFailure,
  );
  if (attempt.kind !== 'ok' || !attempt.value) {
    ctx.metrics.renewal('lease', false);
    const why = attempt.kind === 'ok' ? 'no answer' : attempt.error.message;
    ctx.out.log.info(
      { lease: lease.id, path: lease.path },
      `the lease cannot be extended (${why}): fetching it again`,
    );
    return false;
  }
  const answer = attempt.value;
  const now = ctx.clock.now();
  const grantedTtlMs = answer.leaseDurationSeconds * 1000;
  ctx.live.setLease(slot, {
    ...lease,
    durationMs: grantedTtlMs,
    renewable: answer.renewable,
    grantedAtMs: now,
  });
  ctx.live.lastRenewalAtMs = now;
  ctx.metrics.renewal('lease', true);
  ctx.metrics.lastSuccess('lease');
  ctx.metrics.leaseTtl(lease.path, answer.leaseDurationSeconds);
  ctx.out.log.info(
    { lease: lease.id, path: lease.path, ttl: answer.leaseDurationSeconds },
    'lease renewed',
  );
  await ctx.saveState();
  const outlook = leaseOutlook({
    grantedTtlMs,
    previousTtlMs: lease.durationMs,
    renewable: answer.renewable,
    warnings: answer.warnings,
  });
  if (outlook.decision === 'renew-again') return true;
  ctx.out.log.info(
    { lease: lease.id, path: lease.path, reason: outlook.reason },
    'the lease cannot be extended: fetching it again',
  );
  return false;
}

/** Fetches the secret again (retrying as long as it takes), rewrites and announces it. */
async function fetchAgain(
  ctx: RenewerContext,
  client: VaultClient,
  signal: AbortSignal,
  slot: Slot,
): Promise<void> {
  const path = slotPath(ctx, slot);
  await refetchUntilDone(ctx, client, signal, slot, `fetch ${path}`, 'lease');
  ctx.out.log.info({ path, lease: ctx.live.lease(slot)?.id }, 'fetched again with a new lease');
  await ctx.rewrite(signal);
  await ctx.saveState();
}
