import type { KeyObject } from 'node:crypto';
import { parseCompactJws, parseSignedWithAlgs, payloadClaims, verifiesWith } from './jws.ts';
import type { KeySet } from './jwt-validator.ts';

/**
 * cap's StaticKeySet (go-jose v3's jwt.ParseSigned accepts any `alg`; only a key that fits it
 * verifies). A payload that is not a JSON object counts as a failed key, as in go-jose.
 */
export function staticKeySet(keys: KeyObject[]): KeySet {
  return {
    verifySignature(token) {
      const jws = parseCompactJws(token);
      for (const key of keys) {
        const claims = verifiesWith(jws, key) ? payloadClaims(jws) : null;
        if (claims) return claims;
      }
      throw new Error('no known key successfully validated the token signature');
    },
  };
}

/**
 * The Kubernetes plugin's DontVerifySignature, used when `pem_keys` is empty: real Vault then
 * leaves the signature to the TokenReview API. Only the algorithm list is enforced.
 */
export function unverifiedKeySet(algs: string[]): KeySet {
  return {
    verifySignature(token) {
      const claims = payloadClaims(parseSignedWithAlgs(token, algs));
      if (!claims)
        throw new Error('json: cannot unmarshal JWT payload into map[string]interface {}');
      return claims;
    },
  };
}
