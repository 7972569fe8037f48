import type { Clock, LeaseRequest } from './backend.ts';
import { VaultHttpError } from './backend.ts';
import { randomBase62 } from './random-id.ts';
import { calculateTtl } from './ttl-math.ts';

export interface LeaseEntry {
  id: string;
  tokenId: string;
  issueMs: number;
  expireMs: number;
  lastRenewalMs: number | null;
  ttlSeconds: number;
  maxTtlSeconds: number;
  renewable: boolean;
  onRevoke?: () => void;
}

export interface RenewResult {
  lease: LeaseEntry;
  ttlSeconds: number;
  warnings: string[];
}

/** Leases of dynamic secrets: created for engine responses, tied to the calling token. */
export class LeaseStore {
  readonly #clock: Clock;
  readonly #leases = new Map<string, LeaseEntry>();
  /**
   * Ids of leases that ran out: already revoked (onRevoke ran), but a renewal of one answers
   * `lease expired` as WIRE §1 says, where Vault's expiry timer has not yet deleted the entry.
   */
  readonly #expired = new Set<string>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  create(request: LeaseRequest, tokenId: string): LeaseEntry {
    const now = this.#clock.now();
    const lease: LeaseEntry = {
      id: `${request.pathPrefix.replace(/\/+$/, '')}/${randomBase62(24)}`,
      tokenId,
      issueMs: now,
      expireMs: now + request.ttlSeconds * 1000,
      lastRenewalMs: null,
      ttlSeconds: request.ttlSeconds,
      maxTtlSeconds: request.maxTtlSeconds,
      renewable: request.renewable,
      ...(request.onRevoke ? { onRevoke: request.onRevoke } : {}),
    };
    this.#leases.set(lease.id, lease);
    return lease;
  }

  get(id: string): LeaseEntry | undefined {
    return this.#leases.get(id);
  }

  /** sys/leases/renew: Vault's checks in its order, then CalculateTTL against the issue time. */
  renew(id: string, incrementSeconds: number): RenewResult {
    this.sweep();
    if (this.#expired.has(id)) throw new VaultHttpError(400, ['lease expired']);
    const lease = this.#leases.get(id);
    if (!lease) throw new VaultHttpError(400, ['lease not found']);
    const now = this.#clock.now();
    if (!lease.renewable) throw new VaultHttpError(400, ['lease is not renewable']);
    const { ttlSeconds, warnings } = calculateTtl({
      incrementSeconds,
      backendTtlSeconds: lease.ttlSeconds,
      periodSeconds: 0,
      backendMaxTtlSeconds: lease.maxTtlSeconds,
      explicitMaxTtlSeconds: 0,
      issueMs: lease.issueMs,
      nowMs: now,
    });
    lease.expireMs = now + ttlSeconds * 1000;
    lease.lastRenewalMs = now;
    return { lease, ttlSeconds, warnings };
  }

  /** Revokes one lease (onRevoke runs once); false when there was none. */
  revoke(id: string): boolean {
    this.#expired.delete(id);
    const lease = this.#leases.get(id);
    if (!lease) return false;
    this.#leases.delete(id);
    lease.onRevoke?.();
    return true;
  }

  revokeByToken(tokenId: string): void {
    for (const lease of [...this.#leases.values()]) {
      if (lease.tokenId === tokenId) this.revoke(lease.id);
    }
  }

  revokePrefix(prefix: string): void {
    for (const id of [...this.#leases.keys()]) if (id.startsWith(prefix)) this.revoke(id);
  }

  /** Expires leases whose time has come (their onRevoke runs, as Vault revokes on expiry). */
  sweep(): void {
    const now = this.#clock.now();
    for (const lease of [...this.#leases.values()]) {
      if (lease.expireMs > now) continue;
      this.revoke(lease.id);
      this.#expired.add(lease.id);
    }
  }

  all(): LeaseEntry[] {
    return [...this.#leases.values()];
  }
}
