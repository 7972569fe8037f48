import type { Config } from '../config/config-types.ts';
import type { LiveSet } from './live-set.ts';
import type { Expiries } from './renewer-metrics.ts';

/** When the token, each lease and each certificate the renewer holds will expire (epoch ms). */
export function liveExpiries(config: Config, live: LiveSet): Expiries {
  const token = live.token;
  const certs = config.certs.flatMap((cert, index) => {
    const lifetime = live.certLifetimes[index];
    return lifetime
      ? [{ path: cert.cert, commonName: cert.commonName, notAfterMs: lifetime.notAfterMs }]
      : [];
  });
  return {
    ...(token.ttlMs > 0 ? { tokenExpiresAtMs: token.expiresAtMs } : {}),
    leases: live.leases().map((lease) => ({
      path: lease.path,
      leaseId: lease.id,
      expiresAtMs: lease.grantedAtMs + lease.durationMs,
    })),
    certs,
  };
}
