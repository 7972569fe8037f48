import { renewDelayMs } from '../timing/renew-delay.ts';
import type { Actor } from '../timing/run-group.ts';
import { sleepUntil } from '../timing/sleep.ts';
import type { VaultClient } from '../vault/client.ts';
import { isInvalidToken } from '../vault/errors.ts';
import { boundClient } from './bound-client.ts';
import { renewOnce } from './renew-once.ts';
import type { RenewerContext } from './renewer-context.ts';
import { replaceToken } from './replace-token.ts';
import { untilAborted } from './until-aborted.ts';

/**
 * The renew-token actor (SPEC §6): renew-self at a random instant around 2/3 of the TTL,
 * retry failures until the token would expire, and when it cannot be extended any more log
 * in again or exit 75 shortly before it expires.
 */
export function renewTokenActor(ctx: RenewerContext): Actor {
  return {
    name: 'renew-token',
    async run(signal) {
      const client = boundClient(ctx.client, signal);
      for (;;) {
        const held = ctx.live.token;
        if (!(held.ttlMs > 0)) {
          // TTL 0 is a token that never expires (root, or an unlimited role): nothing to do.
          ctx.out.log.info(
            { accessor: held.accessor },
            'the token does not expire: not renewing it',
          );
          return untilAborted(signal);
        }
        let reason = 'Vault made it not renewable';
        if (held.renewable) {
          const at = held.grantedAtMs + renewDelayMs(held.ttlMs, ctx.random);
          ctx.out.log.debug(
            {
              accessor: held.accessor,
              grantedAt: new Date(held.grantedAtMs).toISOString(),
              ttl: held.ttlMs / 1000,
              renewAt: new Date(at).toISOString(),
            },
            'token renewal scheduled',
          );
          await sleepUntilOrTrouble(ctx, at, signal);
          const outcome = await renewToken(ctx, client, signal);
          if (outcome === 'renewed') continue;
          reason = outcome;
        }
        await replaceToken(ctx, client, signal, reason);
      }
    },
  };
}

/** Waits for the renewal instant, or less when another actor found the token dead. */
async function sleepUntilOrTrouble(ctx: RenewerContext, at: number, signal: AbortSignal) {
  const trouble = ctx.live.tokenTrouble;
  try {
    await sleepUntil(at, ctx.clock, AbortSignal.any([signal, trouble]), ctx.timers);
  } catch (error) {
    signal.throwIfAborted();
    if (!trouble.aborted) throw error;
    ctx.out.log.warn(
      { accessor: ctx.live.token.accessor },
      'Vault says the token is invalid: renewing it now',
    );
  }
  ctx.live.clearTokenTrouble();
}

/** One renewal with its retries: 'renewed' to go on, else why the token cannot be extended. */
async function renewToken(
  ctx: RenewerContext,
  client: VaultClient,
  signal: AbortSignal,
): Promise<string> {
  const held = ctx.live.token;
  const outcome = await renewOnce(ctx, signal, {
    kind: 'token',
    what: 'token renewal',
    fields: { accessor: held.accessor },
    expiresAtMs: held.expiresAtMs,
    previousTtlMs: held.ttlMs,
    call: async () => {
      const answer = await client.request('POST', 'auth/token/renew-self', { token: held.token });
      const auth = answer?.auth;
      if (!auth) return undefined;
      return { ttlMs: auth.leaseDurationMs, renewable: auth.renewable, warnings: answer.warnings };
    },
    apply: (granted, now) => {
      ctx.live.token = {
        ...held,
        ttlMs: granted.ttlMs,
        renewable: granted.renewable,
        grantedAtMs: now,
        expiresAtMs: now + granted.ttlMs,
      };
    },
    gauge: (seconds) => ctx.metrics.tokenTtl(seconds),
  });
  if (outcome.renewed) return 'renewed';
  // 403 invalid token: revoked or expired; it is of no use from this instant on.
  if (isInvalidToken(outcome.error)) ctx.live.token = { ...held, expiresAtMs: ctx.clock.now() };
  return outcome.reason;
}
