import { KeyturnError } from '../errors/keyturn-error.ts';
import { renewFailureOutlook } from '../timing/lease-outlook.ts';
import { renewRetryDelayMs } from '../timing/renew-retry-delay.ts';
import { sleep } from '../timing/sleep.ts';
import { isInvalidToken, VaultResponseError } from '../vault/errors.ts';
import type { LiveSet } from './live-set.ts';
import type { RenewerContext } from './renewer-context.ts';

export type Attempt<T> =
  | { kind: 'ok'; value: T }
  /** An answer no retry can change (e.g. past the max TTL, invalid token, login refused). */
  | { kind: 'final'; error: KeyturnError }
  /** Still failing when the deadline came. */
  | { kind: 'expired'; error: KeyturnError };

/** How a failure is treated: tried again after a backoff, or given up on at once. */
export type Classify = (error: KeyturnError) => 'retry' | 'final';

/** For renew-self and sys/leases/renew: WIRE.md's "cannot extend" answers are final. */
export const renewFailure: Classify = (error) =>
  error instanceof VaultResponseError &&
  renewFailureOutlook(error.status, error.errors) === 'cannot-extend'
    ? 'final'
    : 'retry';

/** Every expected failure is worth another try (Vault away, a policy being fixed). */
export const alwaysRetry: Classify = () => 'retry';

type RetryDeps = Pick<
  RenewerContext,
  'clock' | 'timers' | 'random' | 'bounds' | 'out' | 'metrics'
> & {
  live?: Pick<LiveSet, 'reportInvalidToken' | 'token'>;
};

/**
 * Calls `call` until it succeeds, its failure is final, or `deadlineMs` (epoch ms, Infinity
 * for never) has passed — the renewer's rule: keep trying while the lease has time (SPEC §6).
 * Backs off exponentially with jitter, honours Retry-After, and caps each wait at the time
 * left so a last attempt happens right at the deadline. Bugs (non-KeyturnErrors) and the
 * signal's abort are thrown.
 */
export async function retryUntil<T>(
  deps: RetryDeps,
  signal: AbortSignal,
  what: string,
  deadlineMs: number,
  call: () => Promise<T>,
  classify: Classify,
): Promise<Attempt<T>> {
  for (let attempt = 0; ; attempt++) {
    signal.throwIfAborted();
    const token = deps.live?.token.token ?? '';
    try {
      return { kind: 'ok', value: await call() };
    } catch (error) {
      signal.throwIfAborted();
      if (!(error instanceof KeyturnError)) throw error;
      // Sources wrap Vault's answer (AuthError with the 403 as cause): look at both.
      if (isInvalidToken(error) || isInvalidToken(error.cause)) {
        deps.live?.reportInvalidToken(token);
      }
      if (classify(error) === 'final') return { kind: 'final', error };
      const left = deadlineMs - deps.clock.now();
      if (!(left > 0)) return { kind: 'expired', error };
      const retryAfterMs = error instanceof VaultResponseError ? error.retryAfterMs : undefined;
      const delayMs = Math.min(
        left,
        renewRetryDelayMs(attempt, deps.bounds, deps.random, retryAfterMs),
      );
      deps.out.log.warn(
        { call: what, attempt: attempt + 1, retryInMs: Math.round(delayMs), error: error.message },
        `${what} failed; retrying`,
      );
      await sleep(delayMs, signal, deps.timers);
    }
  }
}
