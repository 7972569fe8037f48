import { formatGoDuration, rfc3339Nano } from '../go-duration.ts';
import { badRequest } from './engine-errors.ts';
import type { MountTtl } from './mount-ttl.ts';

/** What a CA does with a leaf that would outlive it (`leaf_not_after_behavior`, default `err`). */
export type LeafNotAfterBehavior = 'err' | 'truncate' | 'permit';

export interface NotAfterInput {
  nowMs: number;
  requestTtlSeconds: number;
  roleTtlSeconds: number;
  roleMaxTtlSeconds: number;
  mount: MountTtl;
  issuer?: { notAfterMs: number; behavior: LeafNotAfterBehavior };
}

/**
 * Vault's `GetCertificateNotAfter`: ttl = request, else role, else mount default; capped by
 * role max, else mount max (with a warning); then checked against the issuer's own expiry.
 */
export function certificateNotAfter(input: NotAfterInput): {
  notAfterMs: number;
  warnings: string[];
} {
  const warnings: string[] = [];
  let ttl = input.requestTtlSeconds || input.roleTtlSeconds || input.mount.defaultSeconds;
  const max = input.roleMaxTtlSeconds || input.mount.maxSeconds;
  if (ttl > max) {
    warnings.push(
      `TTL "${formatGoDuration(ttl)}" is longer than permitted maxTTL "${formatGoDuration(max)}", so maxTTL is being used`,
    );
    ttl = max;
  }
  // Why: X.509 times have whole seconds; flooring keeps `expiration` equal to the cert's notAfter.
  let notAfterMs = Math.floor((input.nowMs + ttl * 1000) / 1000) * 1000;
  const issuer = input.issuer;
  if (issuer && notAfterMs > issuer.notAfterMs) {
    if (issuer.behavior === 'truncate') notAfterMs = issuer.notAfterMs;
    else if (issuer.behavior === 'err') {
      throw badRequest(
        `cannot satisfy request, as TTL would result in notAfter of ${rfc3339Nano(notAfterMs)} that is beyond the expiration of the CA certificate at ${rfc3339Nano(issuer.notAfterMs)}`,
      );
    }
  }
  return { notAfterMs, warnings };
}
