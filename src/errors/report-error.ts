import type { Output } from '../log/output.ts';
import { ExitCode, KeyturnError } from './keyturn-error.ts';

/**
 * The one place an error becomes an exit status. Expected errors are a clear line with
 * their code; anything else is a bug: a short report (name and message, redacted like
 * every line) and exit 70 — never a raw stack trace on a user's terminal.
 */
export function reportError(error: unknown, out: Output): number {
  if (error instanceof KeyturnError) {
    out.log.error({ code: error.code, exitCode: error.exitCode, ...error.details }, error.message);
    return error.exitCode;
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  out.log.error(
    { code: 'internal', exitCode: ExitCode.internal, error: name },
    `internal error (a bug in keyturn, please report it): ${message}`,
  );
  out.log.debug({ stack: error instanceof Error ? error.stack : undefined }, 'stack of the bug');
  return ExitCode.internal;
}
