import type { Clock } from './backend.ts';
import { randomBase62 } from './random-id.ts';

/** What a renewal needs from the auth backend that issued a token (an AppRole role, or the token itself). */
export interface RenewParams {
  ttlSeconds: number;
  maxTtlSeconds: number;
  periodSeconds: number;
}

export interface TokenEntry {
  id: string;
  accessor: string;
  type: 'service' | 'batch';
  policies: string[];
  path: string;
  meta: Record<string, string> | null;
  displayName: string;
  /** Uses left; 0 = unlimited. */
  numUses: number;
  parent: string | null;
  children: Set<string>;
  creationMs: number;
  /** The TTL granted at creation (lookup's creation_ttl). */
  creationTtlSeconds: number;
  /** The TTL of the last grant (a token-store token's renewal default). */
  ttlSeconds: number;
  explicitMaxTtlSeconds: number;
  periodSeconds: number;
  renewable: boolean;
  /** null: never expires (root). */
  expireMs: number | null;
  lastRenewalMs: number | null;
  entityId: string;
  boundCidrs: string[];
  role: string;
  /** Asks the issuing backend for the current TTL settings; throws for a deleted role. */
  renewParams: () => RenewParams;
}

export type NewToken = Partial<Omit<TokenEntry, 'id' | 'accessor' | 'children' | 'creationMs'>> &
  Pick<TokenEntry, 'policies' | 'path'> & {
    /** A chosen id, as `vault server -dev -dev-root-token-id` gives the root token. */
    id?: string;
  };

/** The token store: ids, accessors, parent/child tree, expiry, use counts. */
export class TokenStore {
  readonly #clock: Clock;
  readonly #byId = new Map<string, TokenEntry>();
  readonly #byAccessor = new Map<string, string>();
  /** Called for every token revoked (the lease manager drops its leases). */
  onRevoke: (entry: TokenEntry) => void = () => {};

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  create(spec: NewToken): TokenEntry {
    const type = spec.type ?? 'service';
    const entry: TokenEntry = {
      id:
        spec.id ??
        `${type === 'batch' ? 'hvb' : 'hvs'}.${randomBase62(type === 'batch' ? 40 : 24)}`,
      // Batch tokens have no accessor in Vault.
      accessor: type === 'batch' ? '' : randomBase62(24),
      type,
      policies: spec.policies,
      path: spec.path,
      meta: spec.meta ?? null,
      displayName: spec.displayName ?? 'token',
      numUses: spec.numUses ?? 0,
      parent: spec.parent ?? null,
      children: new Set(),
      creationMs: this.#clock.now(),
      creationTtlSeconds: spec.ttlSeconds ?? 0,
      ttlSeconds: spec.ttlSeconds ?? 0,
      explicitMaxTtlSeconds: spec.explicitMaxTtlSeconds ?? 0,
      periodSeconds: spec.periodSeconds ?? 0,
      renewable: spec.renewable ?? true,
      expireMs: spec.expireMs ?? null,
      lastRenewalMs: null,
      entityId: spec.entityId ?? '',
      boundCidrs: spec.boundCidrs ?? [],
      role: spec.role ?? '',
      renewParams:
        spec.renewParams ??
        (() => ({
          ttlSeconds: entry.ttlSeconds,
          maxTtlSeconds: 0,
          periodSeconds: entry.periodSeconds,
        })),
    };
    if (entry.expireMs === null && entry.ttlSeconds > 0) {
      entry.expireMs = entry.creationMs + entry.ttlSeconds * 1000;
    }
    this.#byId.set(entry.id, entry);
    if (entry.accessor) this.#byAccessor.set(entry.accessor, entry.id);
    if (entry.parent) this.#byId.get(entry.parent)?.children.add(entry.id);
    return entry;
  }

  /** A live token, or undefined (unknown, revoked or expired — expired ones are revoked now). */
  lookup(id: string): TokenEntry | undefined {
    const entry = this.#byId.get(id);
    if (!entry) return undefined;
    if (entry.expireMs !== null && this.#clock.now() >= entry.expireMs) {
      this.revoke(entry.id);
      return undefined;
    }
    return entry;
  }

  lookupAccessor(accessor: string): TokenEntry | undefined {
    const id = this.#byAccessor.get(accessor);
    return id === undefined ? undefined : this.lookup(id);
  }

  /** Revokes a token and, as Vault does, every child token and every lease of all of them. */
  revoke(id: string): boolean {
    const entry = this.#byId.get(id);
    if (!entry) return false;
    this.#byId.delete(id);
    if (entry.accessor) this.#byAccessor.delete(entry.accessor);
    if (entry.parent) this.#byId.get(entry.parent)?.children.delete(id);
    for (const child of [...entry.children]) this.revoke(child);
    this.onRevoke(entry);
    return true;
  }

  /** Revokes every token whose expiry has passed (leases die with them). */
  sweep(): void {
    const now = this.#clock.now();
    for (const entry of [...this.#byId.values()]) {
      if (entry.expireMs !== null && now >= entry.expireMs) this.revoke(entry.id);
    }
  }

  all(): TokenEntry[] {
    return [...this.#byId.values()];
  }
}
