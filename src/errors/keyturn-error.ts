/** Exit statuses of SPEC §7; the entry point is the only place that turns them into `process.exitCode`. */
export const ExitCode = {
  ok: 0,
  unhealthy: 1,
  usage: 64,
  badData: 65,
  unavailable: 69,
  internal: 70,
  cantWrite: 73,
  restartMe: 75,
  refused: 77,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface KeyturnErrorOptions {
  cause?: unknown;
  /** Extra context for the log line (paths, statuses) — never secret values. */
  details?: Record<string, unknown>;
}

/** Base of every error keyturn expects: a stable `code`, an exit status, the cause kept. */
export class KeyturnError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    exitCode: ExitCode,
    message: string,
    options: KeyturnErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.details = options.details ?? {};
  }
}

/** Bad flags, bad config, bad environment: nothing was sent to Vault. */
export class UsageError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('usage', ExitCode.usage, message, options);
  }
}

/** Vault answered, but with something keyturn cannot use (missing path or field, bad PEM). */
export class VaultDataError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('vault-data', ExitCode.badData, message, options);
  }
}

/** Vault could not be reached or served nothing useful (down, sealed, standby) in time. */
export class VaultUnavailableError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('vault-unavailable', ExitCode.unavailable, message, options);
  }
}

/** A destination could not be written safely. */
export class FileWriteError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('file-write', ExitCode.cantWrite, message, options);
  }
}

/** The token cannot be renewed and there is no way to log in again: restart the container. */
export class RestartMeError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('restart-me', ExitCode.restartMe, message, options);
  }
}

/** Authentication or authorisation refused: bad or spent secret ID, interception, 403. */
export class AuthError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('auth', ExitCode.refused, message, options);
  }
}
