import type { LoginResult } from '../auth/auth-method.ts';
import type { CertLifetime } from '../sources/cert-on-disk.ts';
import type { IssuedCert } from '../sources/issue-cert.ts';
import type { SecretData } from '../sources/read-secret.ts';

/** The token the renewer holds, with instants on the renewer's clock. */
export interface HeldToken {
  token: string;
  accessor: string;
  /** The TTL granted by the last login or renewal. */
  ttlMs: number;
  renewable: boolean;
  grantedAtMs: number;
  expiresAtMs: number;
}

/** The token of a fresh login, as the renewer holds it (granted at the login's instant). */
export function heldToken(login: LoginResult): HeldToken {
  return {
    token: login.token,
    accessor: login.accessor,
    ttlMs: login.ttlMs,
    renewable: login.renewable,
    grantedAtMs: login.issuedAtMs,
    expiresAtMs: login.issuedAtMs + login.ttlMs,
  };
}

/** A lease held for one secret or certificate, as last granted. */
export interface HeldLease {
  id: string;
  /** Vault path it came from (for logs, metrics and state). */
  path: string;
  durationMs: number;
  renewable: boolean;
  grantedAtMs: number;
}

/** Which configured item a lease belongs to. */
export type Slot = { kind: 'secret'; index: number } | { kind: 'cert'; index: number };

/**
 * Everything the renewer holds: the token and the data behind every file. Actors replace
 * pieces; the rewriter renders files from the whole. `generation` is aborted whenever the
 * token is replaced, so lease and certificate loops restart from the new leases.
 */
export class LiveSet {
  #token: HeldToken;
  readonly secrets: SecretData[];
  /** Undefined where the certificate on disk is in use and was not re-issued. */
  readonly certs: (IssuedCert | undefined)[];
  readonly certLifetimes: (CertLifetime | undefined)[];
  readonly #leases = new Map<string, { slot: Slot; lease: HeldLease }>();
  #generation = new AbortController();
  #tokenTrouble = new AbortController();
  lastRenewalAtMs?: number;

  constructor(
    token: HeldToken,
    secrets: SecretData[],
    certs: (IssuedCert | undefined)[],
    certLifetimes: (CertLifetime | undefined)[],
  ) {
    this.#token = token;
    this.secrets = secrets;
    this.certs = certs;
    this.certLifetimes = certLifetimes;
  }

  get token(): HeldToken {
    return this.#token;
  }

  /** A renewed or new token: any report about the one before is dealt with. */
  set token(token: HeldToken) {
    this.#token = token;
    this.clearTokenTrouble();
  }

  lease(slot: Slot): HeldLease | undefined {
    return this.#leases.get(slotKey(slot))?.lease;
  }

  setLease(slot: Slot, lease: HeldLease | undefined): void {
    if (lease) this.#leases.set(slotKey(slot), { slot, lease });
    else this.#leases.delete(slotKey(slot));
  }

  leases(): HeldLease[] {
    return [...this.#leases.values()].map((entry) => entry.lease);
  }

  /** The items that hold a lease now. */
  leasedSlots(): Slot[] {
    return [...this.#leases.values()].map((entry) => entry.slot);
  }

  /** Aborted when the token is replaced (a new login): loops over leases start again. */
  get generation(): AbortSignal {
    return this.#generation.signal;
  }

  /**
   * Aborted when another actor learns that the current token is dead (403 invalid token):
   * the token actor stops waiting for its next renewal and deals with it now, instead of
   * leaving leases and refreshes failing until then.
   */
  get tokenTrouble(): AbortSignal {
    return this.#tokenTrouble.signal;
  }

  /** Reports `token` dead; ignored when it is no longer the current one. */
  reportInvalidToken(token: string): void {
    if (token === this.token.token) this.#tokenTrouble.abort(new Error('the token is invalid'));
  }

  /** The token actor takes note of the report (before it acts on it). */
  clearTokenTrouble(): void {
    if (this.#tokenTrouble.signal.aborted) this.#tokenTrouble = new AbortController();
  }

  /** Call after a new login's leases are in place. */
  nextGeneration(): void {
    const old = this.#generation;
    this.#generation = new AbortController();
    old.abort(new Error('the token was replaced'));
  }
}

function slotKey(slot: Slot): string {
  return `${slot.kind}:${slot.index}`;
}
