import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';

/** The first PEM block's DER bytes, as Go's pem.Decode finds it (junk before it is skipped). */
function firstPemBlock(text: string): Buffer | null {
  const match = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return null;
  const body = (match[2] as string).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return null;
  return Buffer.from(body, 'base64');
}

/**
 * x509.ParsePKIXPublicKey, else the public key of x509.ParseCertificate, whatever the block's
 * type says (so a PKCS#1 `RSA PUBLIC KEY` block is refused, as in Vault). The Go error text of
 * a block that is neither is approximated as `x509: malformed certificate`.
 */
function parseDer(der: Buffer): KeyObject {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {}
  try {
    return new X509Certificate(der).publicKey;
  } catch {
    throw new Error('x509: malformed certificate');
  }
}

/**
 * The Kubernetes plugin's parsePublicKeyPEM (and cap's): RSA or ECDSA public keys or
 * certificates only.
 */
export function parseRsaOrEcKeyPem(pem: string): KeyObject {
  const der = firstPemBlock(pem);
  if (der) {
    const key = parseDer(der);
    if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'ec') return key;
  }
  throw new Error('data does not contain any valid RSA or ECDSA public keys');
}

/** Vault sdk certutil.ParsePublicKeyPEM (the JWT plugin's `jwt_validation_pubkeys`): RSA, ECDSA, Ed25519. */
export function parseAnyPublicKeyPem(pem: string): KeyObject {
  const der = firstPemBlock(pem);
  if (der) {
    const key = parseDer(der);
    const type = key.asymmetricKeyType;
    if (type === 'rsa' || type === 'ec' || type === 'ed25519') return key;
  }
  throw new Error('data does not contain any valid public keys');
}
