import type { Retrier } from './retrier.ts';

/**
 * A Retrier that does not retry: the renewer wraps each whole fetch in its own loop, which
 * runs on the injected clock, never gives up while there is time, and is bounded by the
 * lease rather than by `give_up_after` (SPEC §6).
 */
export const singleAttempt: Retrier = {
  idempotent: (_what, call) => call(),
  once: (_what, call) => call(),
};
