import type { CertLifetime } from '../sources/cert-on-disk.ts';

/**
 * When a certificate is re-issued: at `renewAt` (a fraction) of its lifetime. The lifetime
 * counts from when keyturn received it when that is later than notBefore: Vault backdates
 * notBefore by 30 s, which on a certificate shorter than that would put the next re-issue in
 * the past and spin.
 */
export function certDueAtMs(lifetime: CertLifetime, renewAt: number): number {
  const from = Math.max(lifetime.notBeforeMs, lifetime.receivedAtMs ?? Number.NEGATIVE_INFINITY);
  return Math.floor(from + Math.max(0, lifetime.notAfterMs - from) * renewAt);
}
