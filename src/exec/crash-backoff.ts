/**
 * A child that dies this soon after keyturn restarted it is crashing, not finishing: new
 * credentials can take a moment to work everywhere (a database user being replicated).
 */
export const QUICK_EXIT_MS = 10_000;
/** Then keyturn gives up and exits with the child's status: it is a wrapper, not a supervisor. */
export const CRASH_RETRIES = 3;
const FIRST_BACKOFF_MS = 500;

export interface ChildExit {
  /** keyturn restarted this child (or one before it) on a rotation. */
  afterRestart: boolean;
  status: number;
  upMs: number;
  /** Quick deaths since the last restart on a rotation. */
  crashes: number;
}

/** Start the child again after `delayMs`, or exit with its status (`gaveUp`: after the retries). */
export type AfterExit = { retry: true; delayMs: number } | { retry: false; gaveUp: boolean };

/**
 * What follows a child's exit: only a non-zero exit soon after a restart is retried, at 0.5,
 * 1 and 2 s; then keyturn gives up. A child that ends on its own otherwise ends keyturn at once.
 */
export function afterChildExit(exit: ChildExit): AfterExit {
  const crashed = exit.afterRestart && exit.status !== 0 && exit.upMs < QUICK_EXIT_MS;
  if (!crashed) return { retry: false, gaveUp: false };
  if (exit.crashes >= CRASH_RETRIES) return { retry: false, gaveUp: true };
  return { retry: true, delayMs: FIRST_BACKOFF_MS * 2 ** exit.crashes };
}
