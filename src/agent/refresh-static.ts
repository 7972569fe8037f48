import type { Actor } from '../timing/run-group.ts';
import { runGroup } from '../timing/run-group.ts';
import { sleepUntil } from '../timing/sleep.ts';
import { boundClient } from './bound-client.ts';
import { fetchSecret } from './fetch-item.ts';
import type { RenewerContext } from './renewer-context.ts';
import { alwaysRetry, retryUntil } from './retry-until.ts';

/**
 * The refresh-static actor (SPEC §6): secrets without a lease (KV) are read again every
 * `refresh`, so a rotated value reaches its file. Secrets sharing an interval are read
 * together and written as one rotation: one on_change for all of them.
 */
export function refreshStaticActor(ctx: RenewerContext): Actor | undefined {
  const groups = new Map<number, number[]>();
  ctx.config.secrets.forEach((secret, index) => {
    if (ctx.live.secrets[index]?.lease || !(secret.refreshMs > 0)) return;
    groups.set(secret.refreshMs, [...(groups.get(secret.refreshMs) ?? []), index]);
  });
  if (groups.size === 0) return undefined;
  const loops = [...groups].map(([refreshMs, indices]) => ({
    name: `refresh every ${refreshMs} ms`,
    run: (signal: AbortSignal) => keepRefreshing(ctx, refreshMs, indices, signal),
  }));
  return {
    name: 'refresh-static',
    run: (signal) => runGroup(loops, signal, { timers: ctx.timers }),
  };
}

async function keepRefreshing(
  ctx: RenewerContext,
  refreshMs: number,
  indices: number[],
  signal: AbortSignal,
): Promise<void> {
  const client = boundClient(ctx.client, signal);
  let nextMs = ctx.clock.now() + refreshMs;
  for (;;) {
    await sleepUntil(nextMs, ctx.clock, signal, ctx.timers);
    // A round that is still failing when the next one is due gives way to it.
    const deadlineMs = nextMs + refreshMs;
    const results = await Promise.all(
      indices.map((index) => refreshOne(ctx, client, signal, index, deadlineMs)),
    );
    if (results.some(Boolean)) await ctx.rewrite(signal);
    nextMs += refreshMs;
    // Never catch up with a burst after a long outage or a suspended host.
    if (nextMs <= ctx.clock.now()) nextMs = ctx.clock.now() + refreshMs;
  }
}

async function refreshOne(
  ctx: RenewerContext,
  client: ReturnType<typeof boundClient>,
  signal: AbortSignal,
  index: number,
  deadlineMs: number,
): Promise<boolean> {
  const secret = ctx.config.secrets[index];
  if (!secret) return false;
  const read = await retryUntil(
    ctx,
    signal,
    `refresh ${secret.path}`,
    deadlineMs,
    () =>
      fetchSecret(secret, {
        client,
        token: ctx.live.token.token,
        mounts: ctx.mounts,
        out: ctx.out,
      }),
    alwaysRetry,
  );
  ctx.metrics.renewal('refresh', read.kind === 'ok');
  if (read.kind !== 'ok') return false;
  ctx.live.secrets[index] = read.value;
  ctx.metrics.lastSuccess('refresh');
  ctx.out.log.debug({ path: secret.path, version: read.value.version }, 'refreshed');
  return true;
}
