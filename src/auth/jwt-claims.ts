/** The claims keyturn reads from a JWT it holds: never to trust them, only to plan and label. */
export interface JwtClaims {
  sub?: string;
  /** Seconds since the epoch. */
  exp?: number;
}

/**
 * The payload of a compact JWT, unverified (Vault verifies it): keyturn only needs `exp` to
 * know whether a new login can work, and `sub` to name who logged in. Undefined when the
 * value is not a JWT; never throws, never quotes the token.
 */
export function readJwtClaims(jwt: string): JwtClaims | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (claims === null || typeof claims !== 'object') return undefined;
    const { sub, exp } = claims as Record<string, unknown>;
    return {
      ...(typeof sub === 'string' ? { sub } : {}),
      ...(typeof exp === 'number' && Number.isFinite(exp) ? { exp } : {}),
    };
  } catch {
    return undefined;
  }
}
