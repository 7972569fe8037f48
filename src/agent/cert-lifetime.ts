import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CertLifetime } from './live-set.ts';

/**
 * Validity of the certificate at `path`, read from the certificate itself (SPEC §6: a
 * restart with a still-valid certificate on disk does not re-issue it). Undefined when the
 * file is missing or not a certificate: the caller then treats it as due.
 */
export async function readCertLifetime(path: string): Promise<CertLifetime | undefined> {
  try {
    const x509 = new X509Certificate(await readFile(path, 'utf8'));
    return { notBeforeMs: Date.parse(x509.validFrom), notAfterMs: Date.parse(x509.validTo) };
  } catch {
    return undefined;
  }
}

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
