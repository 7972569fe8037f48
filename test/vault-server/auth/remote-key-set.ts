import { createPublicKey, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import {
  ALL_ALGS,
  type ParsedJws,
  parseSignedWithAlgs,
  payloadClaims,
  verifiesWith,
} from './jws.ts';
import type { KeySet } from './jwt-validator.ts';

interface RemoteKey {
  kid: string;
  /** null for a key no public-key algorithm can use (`oct`). */
  key: KeyObject | null;
}

/** Why: a hung JWKS endpoint must fail the request, not the whole test run. */
const FETCH_TIMEOUT_MS = 10_000;

function reason(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ?? (error as Error).message;
}

/** GET with Go's error shapes: `Get "<url>": <cause>` when no answer arrives. */
async function get(url: string): Promise<{ status: string; ok: boolean; body: string }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`Get ${JSON.stringify(url)}: ${reason(error)}`);
  }
  return {
    status: `${res.status} ${res.statusText}`,
    ok: res.status === 200,
    body: await res.text(),
  };
}

/** go-jose's JSONWebKey decode (texts approximate): RSA, EC and OKP keys; `oct` kept unusable. */
function decodeKey(raw: unknown): RemoteKey {
  const jwk = (raw ?? {}) as JsonWebKey & { kid?: unknown };
  const kid = typeof jwk.kid === 'string' ? jwk.kid : '';
  if (jwk.kty === 'oct') return { kid, key: null };
  if (!['RSA', 'EC', 'OKP'].includes(String(jwk.kty)))
    throw new Error(`go-jose/go-jose: unknown json web key type '${String(jwk.kty)}'`);
  try {
    return { kid, key: createPublicKey({ key: jwk, format: 'jwk' }) };
  } catch (error) {
    throw new Error(`go-jose/go-jose: invalid JWK: ${(error as Error).message}`);
  }
}

/** go-oidc's RemoteKeySet.updateKeys. */
async function fetchKeys(url: string): Promise<RemoteKey[]> {
  let res: Awaited<ReturnType<typeof get>>;
  try {
    res = await get(url);
  } catch (error) {
    throw new Error(`oidc: get keys failed ${(error as Error).message}`);
  }
  if (!res.ok) throw new Error(`oidc: get keys failed: ${res.status} ${res.body}`);
  try {
    const doc = JSON.parse(res.body) as { keys?: unknown };
    return (Array.isArray(doc.keys) ? doc.keys : []).map(decodeKey);
  } catch (error) {
    throw new Error(`oidc: failed to decode keys: ${(error as Error).message} ${res.body}`);
  }
}

/**
 * go-oidc's RemoteKeySet as cap uses it for `jwks_url`: keys matching the token's `kid` (all
 * keys when it has none) are tried from the cache, then once more after a fresh fetch —
 * so a rotated key is picked up at the next login.
 */
export class RemoteKeySet implements KeySet {
  readonly url: string;
  #cached: RemoteKey[] = [];
  /** How many times the keys were fetched (tests assert the refetch on an unknown key). */
  fetches = 0;

  constructor(url: string) {
    this.url = url;
  }

  #verify(jws: ParsedJws, keys: RemoteKey[]): Record<string, unknown> | null {
    for (const { kid, key } of keys) {
      if ((jws.kid === '' || kid === jws.kid) && key && verifiesWith(jws, key)) {
        const claims = payloadClaims(jws);
        if (!claims)
          throw new Error('json: cannot unmarshal JWT payload into map[string]interface {}');
        return claims;
      }
    }
    return null;
  }

  async verifySignature(token: string): Promise<Record<string, unknown>> {
    let jws: ParsedJws;
    try {
      jws = parseSignedWithAlgs(token, ALL_ALGS);
    } catch (error) {
      throw new Error(`oidc: malformed jwt: ${(error as Error).message}`);
    }
    const cached = this.#verify(jws, this.#cached);
    if (cached) return cached;
    let keys: RemoteKey[];
    try {
      this.fetches += 1;
      keys = await fetchKeys(this.url);
    } catch (error) {
      throw new Error(`fetching keys ${(error as Error).message}`);
    }
    this.#cached = keys;
    const fresh = this.#verify(jws, keys);
    if (fresh) return fresh;
    throw new Error('failed to verify id token signature');
  }
}

/** An RS256-shaped token no key can verify: what the JWT plugin checks a `jwks_url` with. */
function probeToken(): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: 'probe' })}.${randomBytes(256).toString('base64url')}`;
}

/**
 * The config-time check of a `jwks_url` (path_config.go validateJWKSURL): the keys must be
 * fetched and decoded; only "failed to verify id token signature" counts as success.
 */
export async function jwksUrlWorks(url: string): Promise<boolean> {
  try {
    await new RemoteKeySet(url).verifySignature(probeToken());
    return false;
  } catch (error) {
    return (error as Error).message.includes('failed to verify id token signature');
  }
}

/**
 * cap's NewOIDCDiscoveryKeySet: fetch `<issuer>/.well-known/openid-configuration`, require its
 * `issuer` to equal the configured URL exactly, then use its `jwks_uri`.
 */
export async function discoveryKeySet(issuer: string): Promise<RemoteKeySet> {
  const res = await get(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`${res.status}: ${res.body}`);
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    doc = JSON.parse(res.body);
  } catch (error) {
    throw new Error(`failed to decode OIDC discovery document: ${(error as Error).message}`);
  }
  const got = typeof doc.issuer === 'string' ? doc.issuer : '';
  if (got !== issuer) {
    throw new Error(
      `issuer did not match the returned issuer, expected ${JSON.stringify(issuer)} got ${JSON.stringify(got)}`,
    );
  }
  return new RemoteKeySet(typeof doc.jwks_uri === 'string' ? doc.jwks_uri : '');
}
