import { VaultHttpError } from './backend.ts';
import { humanDuration } from './go-duration.ts';

/** `vault server -dev` system defaults: default_lease_ttl = max_lease_ttl = 768h. */
export const SYSTEM_DEFAULT_TTL_SECONDS = 768 * 3600;
export const SYSTEM_MAX_TTL_SECONDS = 768 * 3600;

export interface TtlInputs {
  /** Requested increment in seconds (0 = none). */
  incrementSeconds: number;
  /** The backend's TTL (role token_ttl, lease TTL); 0 = system default. */
  backendTtlSeconds: number;
  periodSeconds: number;
  /** The backend's max (role token_max_ttl, lease max); 0 = system max. */
  backendMaxTtlSeconds: number;
  explicitMaxTtlSeconds: number;
  /** When the token or lease was issued; null for a new one (issued now). */
  issueMs: number | null;
  nowMs: number;
}

export interface TtlResult {
  ttlSeconds: number;
  warnings: string[];
}

/**
 * sdk/framework CalculateTTL: the TTL Vault grants at login and at renewal, with its capping
 * warnings. Times are truncated to whole seconds first, as Vault does.
 */
export function calculateTtl(input: TtlInputs): TtlResult {
  const now = Math.floor(input.nowMs / 1000);
  const start = input.issueMs === null ? now : Math.floor(input.issueMs / 1000);
  let maxTtl = SYSTEM_MAX_TTL_SECONDS;
  if (input.backendMaxTtlSeconds > 0 && input.backendMaxTtlSeconds < maxTtl) {
    maxTtl = input.backendMaxTtlSeconds;
  }
  if (input.explicitMaxTtlSeconds > 0 && input.explicitMaxTtlSeconds < maxTtl) {
    maxTtl = input.explicitMaxTtlSeconds;
  }
  const warnings: string[] = [];
  let ttl: number;
  let maxValidTime: number | null = null;
  if (input.periodSeconds > 0) {
    let period = input.periodSeconds;
    if (period > maxTtl) {
      warnings.push(
        `period of "${humanDuration(period)}" exceeded the effective max_ttl of "${humanDuration(maxTtl)}"; period value is capped accordingly`,
      );
      period = maxTtl;
    }
    ttl = period;
    if (input.explicitMaxTtlSeconds > 0) maxValidTime = start + input.explicitMaxTtlSeconds;
  } else {
    if (input.incrementSeconds > 0) ttl = input.incrementSeconds;
    else if (input.backendTtlSeconds > 0) ttl = input.backendTtlSeconds;
    else ttl = SYSTEM_DEFAULT_TTL_SECONDS;
    maxValidTime = start + maxTtl;
  }
  if (maxValidTime !== null) {
    const maxValidTtl = maxValidTime - now;
    if (maxValidTtl <= 0) throw new VaultHttpError(400, ['past the max TTL, cannot renew']);
    if (maxValidTtl < ttl) {
      warnings.push(
        `TTL of "${humanDuration(ttl)}" exceeded the effective max_ttl of "${humanDuration(maxValidTtl)}"; TTL value is capped accordingly`,
      );
      ttl = maxValidTtl;
    }
  }
  return { ttlSeconds: ttl, warnings };
}
