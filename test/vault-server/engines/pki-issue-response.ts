import type { PkiIssuer } from './pki-issuer.ts';
import { type PkiKeyPair, privateKeyDer, privateKeyPem } from './pki-keys.ts';

export interface IssuedCert {
  issuer: PkiIssuer;
  pair: PkiKeyPair;
  /** PEM without a trailing newline. */
  certPem: string;
  serialNumber: string;
  notAfterMs: number;
}

function pemToBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, '');
}

/**
 * The `data` of `issue/:role` in the requested `format` (pem | der | pem_bundle) and
 * `private_key_format` (der = the key's own PEM type, pkcs8 = "PRIVATE KEY").
 */
export function issueResponseData(
  issued: IssuedCert,
  format: string,
  keyFormat: 'der' | 'pkcs8',
): Record<string, unknown> {
  const { issuer, pair, certPem } = issued;
  const der = format === 'der';
  const keyPem = privateKeyPem(pair, keyFormat);
  let certificate = certPem;
  if (der) certificate = pemToBase64(certPem);
  if (format === 'pem_bundle') certificate = [keyPem, certPem, issuer.pem].join('\n');
  const caPem = der ? pemToBase64(issuer.pem) : issuer.pem;
  return {
    ca_chain: [caPem],
    certificate,
    expiration: Math.floor(issued.notAfterMs / 1000),
    issuing_ca: caPem,
    private_key: der ? privateKeyDer(pair, keyFormat) : keyPem,
    private_key_type: pair.type,
    serial_number: issued.serialNumber,
  };
}
