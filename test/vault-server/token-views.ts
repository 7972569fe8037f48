import { rfc3339Nano } from './go-duration.ts';
import type { TokenEntry } from './token-store.ts';
import type { AuthBlock } from './wire-response.ts';

/** The `auth` member for a token just issued or renewed. */
export function authBlock(entry: TokenEntry, leaseDurationSeconds: number): AuthBlock {
  return {
    client_token: entry.id,
    accessor: entry.accessor,
    policies: entry.policies,
    token_policies: entry.policies,
    metadata: entry.meta,
    lease_duration: leaseDurationSeconds,
    renewable: entry.type === 'service' && entry.renewable && entry.expireMs !== null,
    entity_id: entry.entityId,
    token_type: entry.type,
    orphan: entry.parent === null,
    mfa_requirement: null,
    num_uses: entry.numUses,
  };
}

/** auth/token/lookup(-self) `data`, the fields of Vault's token store handleLookup. */
export function lookupData(entry: TokenEntry, nowMs: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: Math.floor(entry.creationMs / 1000),
    creation_ttl: entry.creationTtlSeconds,
    display_name: entry.displayName,
    entity_id: entry.entityId,
    expire_time: null,
    explicit_max_ttl: entry.explicitMaxTtlSeconds,
    id: entry.id,
    meta: entry.meta,
    num_uses: entry.numUses,
    orphan: entry.parent === null,
    path: entry.path,
    policies: entry.policies,
    ttl: 0,
    type: entry.type,
  };
  if (entry.role) data.role = entry.role;
  if (entry.periodSeconds > 0) data.period = entry.periodSeconds;
  if (entry.boundCidrs.length > 0) data.bound_cidrs = entry.boundCidrs;
  // Tokens without a lease (root) carry no issue/renewal times, as in Vault.
  if (entry.expireMs !== null) {
    data.expire_time = rfc3339Nano(entry.expireMs);
    data.ttl = Math.max(0, Math.trunc((entry.expireMs - nowMs) / 1000));
    data.issue_time = rfc3339Nano(entry.creationMs);
    data.renewable = entry.type === 'service' && entry.renewable;
    if (entry.lastRenewalMs !== null) {
      data.last_renewal_time = Math.floor(entry.lastRenewalMs / 1000);
      data.last_renewal = rfc3339Nano(entry.lastRenewalMs);
    }
  }
  return data;
}
