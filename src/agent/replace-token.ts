import type { AuthMethod, LoginResult } from '../auth/auth-method.ts';
import { authMethod } from '../auth/auth-methods.ts';
import { authenticate } from '../auth/authenticate.ts';
import { AuthError, RestartMeError, UsageError, VaultDataError } from '../errors/keyturn-error.ts';
import { exitBeforeExpiryMs } from '../timing/lease-outlook.ts';
import { sleepUntil } from '../timing/sleep.ts';
import type { VaultClient } from '../vault/client.ts';
import { singleAttempt } from '../vault/single-attempt.ts';
import { refetchSlot, slotPath } from './fetch-item.ts';
import { heldToken } from './live-set.ts';
import type { RenewerContext } from './renewer-context.ts';
import { alwaysRetry, type Classify, retryUntil } from './retry-until.ts';

/** A refused login, an unreadable credential or a useless answer: no retry helps. */
const reloginFailure: Classify = (error) =>
  error instanceof AuthError || error instanceof UsageError || error instanceof VaultDataError
    ? 'final'
    : 'retry';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The token cannot be extended any more (SPEC §6): log in again when the auth method
 * allows it and fetch the leased items again under the new token; otherwise say when it
 * expires, wait until shortly before, and exit 75 so the supervisor starts the container
 * again with fresh credentials. Resolves with a new token in place, or throws RestartMeError.
 */
export async function replaceToken(
  ctx: RenewerContext,
  client: VaultClient,
  signal: AbortSignal,
  reason: string,
): Promise<void> {
  const held = ctx.live.token;
  const exitAtMs = exitBeforeExpiryMs(held.expiresAtMs, ctx.clock.now());
  const method = authMethod(ctx.config.auth);
  const plan = await method.reloginPlan(ctx.env, ctx.clock.now());
  let why: string;
  if (plan.possible) {
    ctx.out.log.info(
      { accessor: held.accessor },
      `the token cannot be renewed any more (${reason}); logging in again with ${plan.how}`,
    );
    const login = await retryUntil(
      ctx,
      signal,
      're-login',
      exitAtMs,
      () => relogin(ctx, client, method),
      reloginFailure,
    );
    if (login.kind === 'ok') return adoptLogin(ctx, client, signal, login.value, held.expiresAtMs);
    ctx.metrics.renewal('token', false);
    why = `logging in again failed: ${login.error.message}`;
  } else {
    why = plan.why;
  }
  ctx.out.log.error(
    { accessor: held.accessor, expiresAt: iso(held.expiresAtMs), exitAt: iso(exitAtMs) },
    `the token cannot be renewed any more (${reason}) and ${why}. It expires at ` +
      `${iso(held.expiresAtMs)}; keyturn exits with 75 at ${iso(exitAtMs)} so the supervisor ` +
      'starts this container again with fresh credentials (a new secret ID or token)',
  );
  await sleepUntil(exitAtMs, ctx.clock, signal, ctx.timers);
  throw new RestartMeError(
    `the token (accessor ${held.accessor}) cannot be renewed and keyturn cannot log in again ` +
      `(${why}); it expires at ${iso(held.expiresAtMs)}. Restart with fresh credentials`,
    { details: { accessor: held.accessor } },
  );
}

function relogin(
  ctx: RenewerContext,
  client: VaultClient,
  method: AuthMethod,
): Promise<LoginResult> {
  return authenticate(method, {
    client,
    retrier: singleAttempt,
    log: ctx.out.log,
    redactor: ctx.out.redactor,
    env: ctx.env,
    now: () => ctx.clock.now(),
  });
}

/**
 * Puts the new token in place, then fetches every leased item again under it before the old
 * token expires (Vault revokes a token's leases with it) and rewrites what changed. An item
 * that cannot be fetched in time is left to the lease loop, which fetches it when its old
 * lease is gone.
 */
async function adoptLogin(
  ctx: RenewerContext,
  client: VaultClient,
  signal: AbortSignal,
  login: LoginResult,
  oldExpiresAtMs: number,
): Promise<void> {
  ctx.live.token = heldToken(login);
  ctx.live.lastRenewalAtMs = login.issuedAtMs;
  ctx.metrics.renewal('token', true);
  ctx.metrics.lastSuccess('token');
  ctx.metrics.tokenTtl(login.ttlMs / 1000);
  const slots = ctx.live.leasedSlots();
  await Promise.all(
    slots.map(async (slot) => {
      const what = `fetch ${slotPath(ctx, slot)} under the new token`;
      const done = await retryUntil(
        ctx,
        signal,
        what,
        oldExpiresAtMs,
        () => refetchSlot(ctx, client, slot),
        alwaysRetry,
      );
      if (done.kind !== 'ok') {
        ctx.out.log.error(
          { path: slotPath(ctx, slot) },
          `could not ${what}: ${done.error.message}`,
        );
      }
    }),
  );
  ctx.live.nextGeneration();
  await ctx.rewrite(signal);
  await ctx.saveState();
}
