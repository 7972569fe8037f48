import { constants, type KeyObject, verify } from 'node:crypto';

/** A compact JWS split into its parts (signature not yet checked). */
export interface ParsedJws {
  header: Record<string, unknown>;
  alg: string;
  kid: string;
  /** `<header>.<payload>` as sent: what the signature covers. */
  signingInput: Buffer;
  payload: Buffer;
  signature: Buffer;
}

/** The algorithms Vault's JWT libraries know (RFC 7518 asymmetric ones). */
export const ALL_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
];

/**
 * go-jose's RawURLEncoding decode after trimming `=`. Error texts follow Go's
 * `illegal base64 data at input byte N` (approximate for odd lengths).
 */
function base64UrlDecode(text: string): Buffer {
  const value = text.replace(/=+$/, '');
  const bad = value.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) throw new Error(`illegal base64 data at input byte ${bad}`);
  if (value.length % 4 === 1) throw new Error(`illegal base64 data at input byte ${value.length}`);
  return Buffer.from(value, 'base64url');
}

/**
 * go-jose's compact parse. Only the three-parts text is pinned by tests; a header that is not
 * a JSON object gets a Go-like but approximate text.
 */
export function parseCompactJws(token: string): ParsedJws {
  const parts = token.split('.');
  if (parts.length !== 3)
    throw new Error('go-jose/go-jose: compact JWS format must have three parts');
  const [rawHeader, rawPayload, rawSignature] = parts as [string, string, string];
  const headerBytes = base64UrlDecode(rawHeader);
  const payload = base64UrlDecode(rawPayload);
  const signature = base64UrlDecode(rawSignature);
  let header: unknown;
  try {
    header = JSON.parse(headerBytes.toString('utf8'));
  } catch {
    throw new Error('invalid character in JWS header: not a JSON object');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    throw new Error('json: cannot unmarshal JWS header into Go value of type jose.rawHeader');
  const fields = header as Record<string, unknown>;
  return {
    header: fields,
    alg: typeof fields.alg === 'string' ? fields.alg : '',
    kid: typeof fields.kid === 'string' ? fields.kid : '',
    signingInput: Buffer.from(`${rawHeader}.${rawPayload}`, 'ascii'),
    payload,
    signature,
  };
}

/** go-jose v4's ParseSigned(token, algs): the parse, then the algorithm allow-list. */
export function parseSignedWithAlgs(token: string, algs: string[]): ParsedJws {
  const jws = parseCompactJws(token);
  if (!algs.includes(jws.alg)) {
    const expected = algs.map((a) => JSON.stringify(a)).join(' ');
    throw new Error(
      `go-jose/go-jose: unexpected signature algorithm ${JSON.stringify(jws.alg)}; expected [${expected}]`,
    );
  }
  return jws;
}

const EC_CURVES: Record<string, { curve: string; bytes: number }> = {
  ES256: { curve: 'prime256v1', bytes: 32 },
  ES384: { curve: 'secp384r1', bytes: 48 },
  ES512: { curve: 'secp521r1', bytes: 66 },
};

function hashOf(alg: string): string {
  return `sha${alg.slice(2)}`;
}

/**
 * Does `key` verify this JWS under its own `alg`? As go-jose: the key type must fit the
 * algorithm (RSA for RS/PS, the alg's own curve for ES, Ed25519 for EdDSA); anything else,
 * `none` and HMAC included, never verifies with a public key.
 */
export function verifiesWith(jws: ParsedJws, key: KeyObject): boolean {
  const { alg, signingInput: data, signature } = jws;
  const type = key.asymmetricKeyType;
  try {
    if (/^RS(256|384|512)$/.test(alg) && type === 'rsa')
      return verify(hashOf(alg), data, key, signature);
    if (/^PS(256|384|512)$/.test(alg) && (type === 'rsa' || type === 'rsa-pss')) {
      const options = {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      };
      return verify(hashOf(alg), data, options, signature);
    }
    const ec = EC_CURVES[alg];
    if (ec && type === 'ec' && key.asymmetricKeyDetails?.namedCurve === ec.curve) {
      if (signature.length !== 2 * ec.bytes) return false;
      return verify(hashOf(alg), data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    if (alg === 'EdDSA' && type === 'ed25519') return verify(null, data, key, signature);
  } catch {
    return false;
  }
  return false;
}

/** The payload as a JSON object (what `Claims(key, &map)` decodes), or null. */
export function payloadClaims(jws: ParsedJws): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(jws.payload.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {}
  return null;
}
