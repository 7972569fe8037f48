import { VaultHttpError } from './backend.ts';
import type { Core } from './core.ts';
import type { NewToken, TokenEntry } from './token-store.ts';
import { calculateTtl } from './ttl-math.ts';

export interface IssueSpec extends Omit<NewToken, 'ttlSeconds' | 'expireMs'> {
  /** The backend's TTL (0 = system default), max and period, as at a Vault login. */
  ttlSeconds: number;
  maxTtlSeconds: number;
  /** Tokens with the root policy and no TTL never expire (Vault exempts them from the default TTL). */
  allowNoExpiry?: boolean;
}

/** Issues a token with Vault's login TTL arithmetic (CalculateTTL with the issue time = now). */
export function issueToken(
  core: Core,
  spec: IssueSpec,
): { entry: TokenEntry; ttlSeconds: number; warnings: string[] } {
  const noTtl = spec.ttlSeconds === 0 && (spec.periodSeconds ?? 0) === 0;
  if (spec.allowNoExpiry && noTtl && (spec.explicitMaxTtlSeconds ?? 0) === 0) {
    return { entry: core.tokens.create({ ...spec, ttlSeconds: 0 }), ttlSeconds: 0, warnings: [] };
  }
  const { ttlSeconds, warnings } = calculateTtl({
    incrementSeconds: 0,
    backendTtlSeconds: spec.ttlSeconds,
    periodSeconds: spec.periodSeconds ?? 0,
    backendMaxTtlSeconds: spec.maxTtlSeconds,
    explicitMaxTtlSeconds: spec.explicitMaxTtlSeconds ?? 0,
    issueMs: null,
    nowMs: core.clock.now(),
  });
  const entry = core.tokens.create({ ...spec, ttlSeconds });
  return { entry, ttlSeconds, warnings };
}

/** auth/token/renew(-self): Vault's checks, then CalculateTTL against the token's issue time. */
export function renewToken(
  core: Core,
  entry: TokenEntry,
  incrementSeconds: number,
): { ttlSeconds: number; warnings: string[] } {
  if (entry.type === 'batch') throw new VaultHttpError(400, ['batch tokens cannot be renewed']);
  if (entry.expireMs === null || !entry.renewable)
    throw new VaultHttpError(400, ['lease is not renewable']);
  const params = entry.renewParams();
  const now = core.clock.now();
  const result = calculateTtl({
    incrementSeconds,
    backendTtlSeconds: params.ttlSeconds,
    periodSeconds: params.periodSeconds,
    backendMaxTtlSeconds: params.maxTtlSeconds,
    explicitMaxTtlSeconds: entry.explicitMaxTtlSeconds,
    issueMs: entry.creationMs,
    nowMs: now,
  });
  entry.expireMs = now + result.ttlSeconds * 1000;
  // Vault stores the granted TTL in the lease's auth: a token-store token's next default.
  entry.ttlSeconds = result.ttlSeconds;
  entry.lastRenewalMs = now;
  return result;
}
