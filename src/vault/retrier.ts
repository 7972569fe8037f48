import { VaultUnavailableError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import { VaultResponseError, VaultTransportError } from './errors.ts';
import { isTransient, retry } from './retry.ts';

/**
 * How a Vault call may be retried. `idempotent` calls (lookups, reads) retry every transient
 * failure until `give_up_after`; `once` calls (unwrap, login with a one-time secret ID) retry
 * only what cannot have spent anything (SPEC §4): a connection that never reached Vault, and
 * Vault's own "processed nothing" answers (429, 503). A timeout after sending, a reset, 500,
 * 502 or 504 could hide a success we never saw — a retry would then cry "interception" or
 * leave an orphaned token — so they are not retried.
 */
export interface Retrier {
  idempotent<T>(what: string, call: () => Promise<T>): Promise<T>;
  once<T>(what: string, call: () => Promise<T>): Promise<T>;
}

export interface RetrySettings {
  initialMs: number;
  maxMs: number;
  giveUpAfterMs: number;
}

/** How long an attempt begun at the deadline may still take (not a whole request timeout). */
const FINAL_ATTEMPT_MS = 1000;

const spent =
  'this call succeeds only once (a one-time secret ID or wrapping token may now be spent)';

/**
 * Vault answers 429 (rate limit quota) and 503 (sealed; standby with no active node) before
 * the request reaches a backend: nothing was unwrapped or logged in, so it is safe to ask again.
 */
export function saidNothingProcessed(error: unknown): boolean {
  return error instanceof VaultResponseError && (error.status === 429 || error.status === 503);
}

/** A once-call may be retried only when it cannot have been processed. */
function onceRetryable(error: unknown): boolean {
  if (saidNothingProcessed(error)) return true;
  return error instanceof VaultTransportError && error.transient && !error.mayHaveReachedVault;
}

/**
 * A once-call failure told as such: either it was not retried on purpose and the credential
 * may be gone, or every attempt was turned away unprocessed and the credential is intact.
 */
function explainOnce(what: string, error: unknown): unknown {
  if (error instanceof VaultTransportError && error.mayHaveReachedVault) {
    return new VaultUnavailableError(
      `${what}: ${error.message}. Not retried: the request may have reached Vault, and ${spent}`,
      { cause: error },
    );
  }
  // A 500/502/504 came from Vault (or its proxy) after the request arrived.
  if (error instanceof VaultResponseError && isTransient(error) && !saidNothingProcessed(error)) {
    return new VaultUnavailableError(
      `${what}: ${error.message}. Not retried: the request reached Vault, and ${spent}`,
      { cause: error, details: { status: error.status } },
    );
  }
  if (error instanceof VaultUnavailableError && saidNothingProcessed(error.cause)) {
    return new VaultUnavailableError(
      `${what}: ${error.message}. Vault processed none of these requests (it answered ` +
        `${(error.cause as VaultResponseError).status}), so nothing was spent: the same secret ` +
        'ID or wrapping token still works once Vault is back',
      { cause: error.cause, details: error.details },
    );
  }
  return error;
}

/**
 * `give_up_after` bounds the whole start-up (SPEC §6), not each call: every call made
 * through one retrier shares one deadline, so a Vault that flaps cannot stretch start-up
 * to a multiple of the setting. Each call still gets its first attempt.
 */
export function createRetrier(
  settings: RetrySettings,
  log: Logger,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Retrier {
  const deadline = now() + settings.giveUpAfterMs;
  // An attempt started before the deadline ends at it: a server that accepts and never
  // answers must not stretch start-up by a whole request timeout past give_up_after.
  const attempt = <T>(what: string, call: () => Promise<T>, once: boolean, n: number) => {
    const left = deadline - now();
    // A call whose first attempt starts after the deadline still gets that attempt, with its
    // own timeout. A retry is scheduled at the deadline at the latest: a small floor lets
    // that final attempt get its answer.
    if (left <= 0 && n === 1) return call();
    const window = Math.max(left, FINAL_ATTEMPT_MS);
    const late = `gave up after ${settings.giveUpAfterMs} ms (give_up_after) and ${n} attempt(s); last failure: ${what} had no answer by then`;
    return beforeDeadline(
      call(),
      window,
      once ? `${late}; the request may have reached Vault, and ${spent}` : late,
    );
  };
  const run = <T>(
    what: string,
    call: () => Promise<T>,
    isRetryable: (error: unknown) => boolean,
    once = false,
  ) =>
    retry((n) => attempt(what, call, once, n), {
      ...settings,
      giveUpAfterMs: Math.max(0, deadline - now()),
      clock: { now },
      signal,
      isRetryable,
      onRetry: (error, delayMs, attempt) =>
        log.warn(
          { call: what, attempt, retryInMs: Math.round(delayMs), error: String(error) },
          `${what} failed; retrying`,
        ),
    });
  return {
    idempotent: (what, call) => run(what, call, isTransient),
    once: async (what, call) => {
      try {
        return await run(what, call, onceRetryable, true);
      } catch (error) {
        throw explainOnce(what, error);
      }
    },
  };
}

/** `pending`, or 69 once `ms` have passed (the request is left to its own timeout; nobody awaits it). */
function beforeDeadline<T>(pending: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new VaultUnavailableError(message)), ms);
  });
  pending.catch(() => undefined); // a late failure of the abandoned request is not unhandled
  return Promise.race([pending, late]).finally(() => clearTimeout(timer));
}
