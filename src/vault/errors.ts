import { ExitCode, KeyturnError } from '../errors/keyturn-error.ts';
import { type TransportFailure, transportExplanation } from './transport-failure.ts';
import type { VaultMethod } from './types.ts';

export type { TransportFailure } from './transport-failure.ts';

/** SPEC §7 for an HTTP status: refused 77, bad request/missing 65, unavailable 69. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 403) return ExitCode.refused;
  if (status === 412 || status === 429 || status >= 500) return ExitCode.unavailable;
  if (status >= 400) return ExitCode.badData;
  // 1xx/3xx: a standby's redirect or a proxy in the way — Vault is not usable as addressed.
  return ExitCode.unavailable;
}

/** "2 errors occurred:\n\t* a\n\t* b\n\n" (Go's multierror) → "a; b"; other texts trimmed. */
export function flattenVaultError(text: string): string {
  const items = /^\d+ errors? occurred:/.test(text) ? text.match(/^\t\* .*$/gm) : null;
  if (items) return items.map((item) => item.slice(3).trim()).join('; ');
  return text.replace(/\s+/g, ' ').trim();
}

export interface VaultResponseErrorInit {
  method: VaultMethod;
  path: string;
  status: number;
  /** Already passed through the redactor: Vault's texts can quote a secret ID. */
  errors: string[];
  retryAfterMs?: number;
  /** A real body sent with an error status (KV v2 deleted version 404, sys/health). */
  body?: unknown;
  /** Why no `errors` came, e.g. "the body is not JSON", for the message. */
  note?: string;
}

/** Vault answered with an error status. The message names method, path and status, never a body. */
export class VaultResponseError extends KeyturnError {
  readonly status: number;
  readonly errors: string[];
  readonly path: string;
  readonly method: VaultMethod;
  readonly retryAfterMs?: number;
  readonly body?: unknown;

  constructor(init: VaultResponseErrorInit) {
    const reason = init.errors.map(flattenVaultError).filter(Boolean).join('; ');
    const detail = reason || init.note || 'no error text';
    super(
      'vault-response',
      exitCodeForStatus(init.status),
      `Vault answered ${init.method} ${init.path} with ${init.status}: ${detail}`,
      { details: { method: init.method, path: init.path, status: init.status } },
    );
    this.status = init.status;
    this.errors = init.errors;
    this.path = init.path;
    this.method = init.method;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.body !== undefined) this.body = init.body;
  }
}

const has403Text = (err: unknown, text: string): err is VaultResponseError =>
  err instanceof VaultResponseError &&
  err.status === 403 &&
  err.errors.some((item) => item.includes(text));

/** The token itself is dead (invalid, expired, revoked, uses spent): log in again. */
export function isInvalidToken(err: unknown): boolean {
  return has403Text(err, 'invalid token');
}

/** A 403 for a token that is still valid: its policies do not allow this path. */
export function isPermissionDenied(err: unknown): boolean {
  return err instanceof VaultResponseError && err.status === 403 && !isInvalidToken(err);
}

/** Vault answered 503 because it is sealed: transient from a client's point of view. */
export function isSealed(err: unknown): boolean {
  return (
    err instanceof VaultResponseError &&
    err.status === 503 &&
    err.errors.some((item) => item.includes('Vault is sealed'))
  );
}

/** Transport failures that only a configuration change fixes. */
const configurationKinds: ReadonlySet<TransportFailure> = new Set(['tls-untrusted', 'tls']);

export interface VaultTransportErrorInit {
  method: VaultMethod;
  path: string;
  /** Origin of the Vault address (`https://vault:8200`), never with a path or query. */
  origin: string;
  kind: TransportFailure;
  mayHaveReachedVault: boolean;
  /** Replaces the generic explanation (timeouts say how long). */
  reason?: string;
  cause?: unknown;
}

/**
 * Vault could not be talked to. `mayHaveReachedVault` is false only when no connection was
 * ever established, so no request byte can have been sent: that is the only case in which
 * a call that succeeds once (unwrap, login with a one-time secret ID) may be retried.
 */
export class VaultTransportError extends KeyturnError {
  readonly kind: TransportFailure;
  readonly mayHaveReachedVault: boolean;
  /** Worth retrying: false for TLS and protocol problems, which only configuration fixes. */
  readonly transient: boolean;
  readonly method: VaultMethod;
  readonly path: string;

  constructor(init: VaultTransportErrorInit) {
    const code = (init.cause as { code?: unknown } | undefined)?.code;
    const codeText = typeof code === 'string' ? ` (${code})` : '';
    const message = init.cause instanceof Error ? init.cause.message.trim() : '';
    // OpenSSL's and libc's texts name no secret and say what the code alone does not.
    const why =
      init.reason ??
      (message && init.kind !== 'refused' && init.kind !== 'reset'
        ? `${transportExplanation[init.kind]}: ${message}`
        : transportExplanation[init.kind]);
    super(
      'vault-transport',
      // A certificate keyturn cannot trust or a TLS handshake it cannot make is not Vault
      // being away (69, waited out until give_up_after): it is never retried and only a
      // setting fixes it (VAULT_CACERT, tls.server_name, http vs https), so it is a 64.
      configurationKinds.has(init.kind) ? ExitCode.usage : ExitCode.unavailable,
      `cannot reach Vault at ${init.origin} for ${init.method} ${init.path}: ${why}${codeText}`,
      {
        cause: init.cause,
        details: {
          method: init.method,
          path: init.path,
          kind: init.kind,
          reached: init.mayHaveReachedVault,
        },
      },
    );
    this.kind = init.kind;
    this.mayHaveReachedVault = init.mayHaveReachedVault;
    this.transient = !['tls-untrusted', 'tls', 'protocol'].includes(init.kind);
    this.method = init.method;
    this.path = init.path;
  }
}
