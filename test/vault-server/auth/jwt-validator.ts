import { parseCompactJws } from './jws.ts';

/** cap's jwt.KeySet: verifies the signature and returns the claims, or throws the library's text. */
export interface KeySet {
  verifySignature(token: string): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** cap's jwt.Expected, with leeways in seconds (0 = default, negative = none). */
export interface Expected {
  issuer?: string;
  subject?: string;
  audiences?: string[];
  algorithms: string[];
  notBeforeLeewaySeconds?: number;
  expirationLeewaySeconds?: number;
  clockSkewLeewaySeconds?: number;
  nowMs: number;
  /** ValidateAllowMissingIatNbfExp (Kubernetes) instead of Validate (JWT/OIDC). */
  allowMissingTimes?: boolean;
}

/** What cap's Validate returned as an error; callers wrap or map its text. */
export class JwtValidationError extends Error {}

/** cap's DefaultLeewaySeconds (exp/nbf synthesis) and go-jose's DefaultLeeway (clock skew). */
const DEFAULT_LEEWAY_SECONDS = 150;
const DEFAULT_SKEW_SECONDS = 60;

function leeway(value: number | undefined, fallback: number): number {
  if (value === undefined || value === 0) return fallback;
  return value < 0 ? 0 : value;
}

interface Registered {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  nbf: number;
  iat: number;
}

function goTypeOf(value: unknown): string {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function stringClaim(claims: Record<string, unknown>, name: 'iss' | 'sub' | 'jti'): string {
  const value = claims[name];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new JwtValidationError(
    `json: cannot unmarshal ${goTypeOf(value)} into Go struct field Claims.${name} of type string`,
  );
}

/** go-jose's NumericDate: any JSON number, truncated to whole seconds; absent = 0. */
function dateClaim(claims: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat'): number {
  const value = claims[name];
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Math.trunc(value);
  throw new JwtValidationError(
    'go-jose/go-jose/jwt: expected number value to unmarshal NumericDate',
  );
}

function audienceClaim(claims: Record<string, unknown>): string[] {
  const value = claims.aud;
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new JwtValidationError(
    'go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience',
  );
}

function registered(claims: Record<string, unknown>): Registered {
  stringClaim(claims, 'jti');
  return {
    iss: stringClaim(claims, 'iss'),
    sub: stringClaim(claims, 'sub'),
    aud: audienceClaim(claims),
    exp: dateClaim(claims, 'exp'),
    nbf: dateClaim(claims, 'nbf'),
    iat: dateClaim(claims, 'iat'),
  };
}

/**
 * cap's time checks: a missing exp becomes max(iat, nbf) + expiration leeway, a missing nbf
 * becomes iat, else exp − not-before leeway; then nbf, exp and iat are each compared with
 * now ± the clock skew leeway. The leeways never extend an exp the token carries.
 */
function checkTimes(r: Registered, expected: Expected): void {
  let { exp, nbf } = r;
  if (exp === 0)
    exp = Math.max(r.iat, nbf) + leeway(expected.expirationLeewaySeconds, DEFAULT_LEEWAY_SECONDS);
  if (nbf === 0)
    nbf =
      r.iat !== 0 ? r.iat : exp - leeway(expected.notBeforeLeewaySeconds, DEFAULT_LEEWAY_SECONDS);
  const skewMs = leeway(expected.clockSkewLeewaySeconds, DEFAULT_SKEW_SECONDS) * 1000;
  const now = expected.nowMs;
  if (now + skewMs < nbf * 1000)
    throw new JwtValidationError('invalid not before (nbf) claim: token not yet valid');
  if (now - skewMs > exp * 1000)
    throw new JwtValidationError('invalid expiration time (exp) claim: token is expired');
  if (now + skewMs < r.iat * 1000)
    throw new JwtValidationError('invalid issued at (iat) claim: token issued in the future');
}

/** cap jwt.Validator.Validate (hashicorp/cap v0.12/v0.13 jwt/jwt.go), check for check. */
export async function validateJwt(
  token: string,
  keySet: KeySet,
  expected: Expected,
): Promise<Record<string, unknown>> {
  let claims: Record<string, unknown>;
  try {
    claims = await keySet.verifySignature(token);
  } catch (error) {
    throw new JwtValidationError(`error verifying token signature: ${(error as Error).message}`);
  }
  const alg = parseCompactJws(token).alg;
  if (!expected.algorithms.includes(alg)) {
    throw new JwtValidationError(
      'invalid algorithm (alg) header parameter: token signed with unexpected algorithm',
    );
  }
  const r = registered(claims);
  if (expected.issuer && expected.issuer !== r.iss)
    throw new JwtValidationError('invalid issuer (iss) claim');
  if (expected.subject && expected.subject !== r.sub)
    throw new JwtValidationError('invalid subject (sub) claim');
  const audiences = expected.audiences ?? [];
  if (audiences.length > 0 && !audiences.some((a) => r.aud.includes(a))) {
    throw new JwtValidationError(
      'invalid audience (aud) claim: audience claim does not match any expected audience',
    );
  }
  if (r.iat === 0 && r.exp === 0 && r.nbf === 0) {
    if (expected.allowMissingTimes) return claims;
    throw new JwtValidationError(
      'no issued at (iat), not before (nbf), or expiration time (exp) claims in token',
    );
  }
  checkTimes(r, expected);
  return claims;
}
