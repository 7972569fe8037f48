import { renewDelayMs } from '../timing/renew-delay.ts';
import type { Actor } from '../timing/run-group.ts';
import { sleepUntil } from '../timing/sleep.ts';
import type { VaultClient } from '../vault/client.ts';
import { boundClient } from './bound-client.ts';
import { refetchUntilDone, slotPath } from './fetch-item.ts';
import type { HeldLease, Slot } from './live-set.ts';
import { perGeneration } from './per-generation.ts';
import { renewOnce } from './renew-once.ts';
import type { RenewerContext } from './renewer-context.ts';
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
  const outcome = await renewOnce(ctx, signal, {
    kind: 'lease',
    what: `lease renewal of ${lease.path}`,
    fields: { lease: lease.id, path: lease.path },
    expiresAtMs: lease.grantedAtMs + lease.durationMs,
    previousTtlMs: lease.durationMs,
    call: async () => {
      const answer = await client.request('PUT', 'sys/leases/renew', {
        token: ctx.live.token.token,
        body: { lease_id: lease.id },
      });
      return (
        answer && {
          ttlMs: answer.leaseDurationMs,
          renewable: answer.renewable,
          warnings: answer.warnings,
        }
      );
    },
    apply: (granted, now) => {
      ctx.live.setLease(slot, {
        ...lease,
        durationMs: granted.ttlMs,
        renewable: granted.renewable,
        grantedAtMs: now,
      });
    },
    gauge: (seconds) => ctx.metrics.leaseTtl(lease.path, seconds),
  });
  if (outcome.renewed) return true;
  ctx.out.log.info(
    { lease: lease.id, path: lease.path },
    `the lease cannot be extended (${outcome.reason}): fetching it again`,
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
