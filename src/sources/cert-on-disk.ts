import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CertConfig } from '../config/config-types.ts';
import type { Redactor } from '../log/redactor.ts';

export type CertVerdict = { keep: true; notAfterMs: number } | { keep: false; reason: string };

/**
 * Whether the certificate already on disk can stay (SPEC §5): it must parse, match the key
 * beside it, and not be past `renew_at` of its lifetime. A restart with a good certificate
 * then issues nothing, and a mismatched pair (a crash between two renames) is repaired.
 */
export async function judgeCertOnDisk(
  cert: CertConfig,
  cwd: string,
  now: number,
  redactor: Redactor,
): Promise<CertVerdict> {
  let certPem: string;
  let keyPem: string;
  try {
    [certPem, keyPem] = await Promise.all([
      readFile(resolve(cwd, cert.cert), 'utf8'),
      readFile(resolve(cwd, cert.key), 'utf8'),
    ]);
  } catch {
    return { keep: false, reason: 'not on disk yet' };
  }
  redactor.add(keyPem);
  try {
    const x509 = new X509Certificate(certPem);
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) {
      return { keep: false, reason: 'certificate and key on disk do not match' };
    }
    const notBefore = Date.parse(x509.validFrom);
    const notAfter = Date.parse(x509.validTo);
    const dueAt = notBefore + (notAfter - notBefore) * cert.renewAt;
    if (now >= notAfter) return { keep: false, reason: 'certificate on disk has expired' };
    if (now >= dueAt) return { keep: false, reason: 'certificate on disk is due for renewal' };
    if (x509.subject.split('\n').every((line) => line !== `CN=${cert.commonName}`)) {
      return { keep: false, reason: 'certificate on disk has another common name' };
    }
    const sans = (x509.subjectAltName ?? '').split(', ');
    const wanted = [
      ...cert.altNames.map((n) => `DNS:${n}`),
      ...cert.ipSans.map((ip) => `IP Address:${ip}`),
    ];
    if (!wanted.every((san) => sans.includes(san))) {
      return { keep: false, reason: 'certificate on disk lacks a configured alt name or IP SAN' };
    }
    return { keep: true, notAfterMs: notAfter };
  } catch {
    return { keep: false, reason: 'certificate or key on disk is not valid PEM' };
  }
}
