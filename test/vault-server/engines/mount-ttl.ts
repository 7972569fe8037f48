import { parseDurationSeconds } from '../go-duration.ts';

/** Vault's system default for both the default and the max lease TTL: 768h. */
export const SYSTEM_DEFAULT_TTL_SECONDS = 2_764_800;

export interface MountTtl {
  defaultSeconds: number;
  maxSeconds: number;
}

/** The mount's TTLs from its options (`default_lease_ttl`, `max_lease_ttl`), 0/unset = 768h. */
export function mountTtl(options: Record<string, string>): MountTtl {
  const pick = (raw: string | undefined) => {
    const seconds = Math.trunc(parseDurationSeconds(raw) ?? 0);
    return seconds > 0 ? seconds : SYSTEM_DEFAULT_TTL_SECONDS;
  };
  return {
    defaultSeconds: pick(options.default_lease_ttl),
    maxSeconds: pick(options.max_lease_ttl),
  };
}
