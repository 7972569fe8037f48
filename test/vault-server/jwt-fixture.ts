/**
 * Signing keys and tokens for auth tests: Kubernetes service account JWTs (legacy and
 * projected) and CI-style OIDC JWTs, signed at test time with node:crypto. Times come from the
 * caller (pass the test server's clock), never from the wall clock.
 */
import {
  constants,
  createHmac,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';

export type SigningAlg =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

export interface SigningKey {
  alg: SigningAlg;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM: what `pem_keys` / `jwt_validation_pubkeys` take. */
  publicKeyPem: string;
  /** The public JWK with `kid`, `alg` and `use: sig`: one entry of a JWKS. */
  jwk: JsonWebKey;
}

const CURVES: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

function keyPair(alg: SigningAlg) {
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  const namedCurve = CURVES[alg];
  if (namedCurve) return generateKeyPairSync('ec', { namedCurve });
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** A fresh key pair for `alg` (RSA keys take tens of ms: make them once per test file). */
export function generateSigningKey(
  alg: SigningAlg = 'RS256',
  kid: string = randomUUID(),
): SigningKey {
  const { privateKey, publicKey } = keyPair(alg);
  return {
    alg,
    kid,
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signature(key: SigningKey, input: Buffer): Buffer {
  const hash = `sha${key.alg.slice(2)}`;
  if (key.alg === 'EdDSA') return sign(null, input, key.privateKey);
  if (key.alg.startsWith('ES'))
    return sign(hash, input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  if (key.alg.startsWith('PS')) {
    const options = {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    };
    return sign(hash, input, options);
  }
  return sign(hash, input, key.privateKey);
}

/** A compact JWS of `claims`; `header` adds to or overrides `{alg, typ, kid}`. */
export function signJwt(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const input = `${b64({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })}.${b64(claims)}`;
  return `${input}.${signature(key, Buffer.from(input)).toString('base64url')}`;
}

/** An HS256 token (a shared-secret algorithm Vault must refuse). */
export function signHs256Jwt(secret: string, claims: Record<string, unknown>): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** `{keys: [...]}` as a JWKS endpoint serves it. */
export function jwksDocument(...keys: SigningKey[]): { keys: JsonWebKey[] } {
  return { keys: keys.map((k) => k.jwk) };
}

export type Validity = 'valid' | 'expired' | 'not-yet-valid';

/**
 * `iat`/`nbf`/`exp` around `nowMs`: valid for `ttlSeconds`; expired and not-yet-valid ones lie
 * an hour outside the window, far beyond any default leeway (60 s skew, 150 s synthesis).
 */
export function timeClaims(nowMs: number, validity: Validity = 'valid', ttlSeconds = 600) {
  const now = Math.floor(nowMs / 1000);
  const start =
    validity === 'expired'
      ? now - 3600 - ttlSeconds
      : validity === 'not-yet-valid'
        ? now + 3600
        : now;
  return { iat: start, nbf: start, exp: start + ttlSeconds };
}

export interface ServiceAccountSpec {
  name?: string;
  namespace?: string;
  uid?: string;
  /** Legacy tokens only: the token Secret's name. */
  secretName?: string;
  podName?: string;
  audience?: string | string[];
  issuer?: string;
}

/** Claims of a legacy (Secret-based) service account token: flat claims, no times. */
export function legacyServiceAccountClaims(spec: ServiceAccountSpec = {}): Record<string, unknown> {
  const name = spec.name ?? 'app';
  const prefix = 'kubernetes.io/serviceaccount/';
  return {
    iss: spec.issuer ?? 'kubernetes/serviceaccount',
    sub: `system:serviceaccount:${spec.namespace ?? 'default'}:${name}`,
    [`${prefix}namespace`]: spec.namespace ?? 'default',
    [`${prefix}secret.name`]: spec.secretName ?? `${name}-token-x7k2p`,
    [`${prefix}service-account.name`]: name,
    [`${prefix}service-account.uid`]: spec.uid ?? '5a0c7e4e-3b3a-4f86-9a6e-1f0d1c2b3a41',
  };
}

/** Claims of a projected (bound) service account token, valid around `nowMs`. */
export function projectedServiceAccountClaims(
  spec: ServiceAccountSpec,
  nowMs: number,
  validity: Validity = 'valid',
  ttlSeconds = 3600,
): Record<string, unknown> {
  const name = spec.name ?? 'app';
  const namespace = spec.namespace ?? 'default';
  return {
    aud: spec.audience ?? ['https://kubernetes.default.svc'],
    iss: spec.issuer ?? 'https://kubernetes.default.svc.cluster.local',
    sub: `system:serviceaccount:${namespace}:${name}`,
    ...timeClaims(nowMs, validity, ttlSeconds),
    'kubernetes.io': {
      namespace,
      pod: { name: spec.podName ?? `${name}-6d4cf56db6-abcde`, uid: randomUUID() },
      serviceaccount: { name, uid: spec.uid ?? '5a0c7e4e-3b3a-4f86-9a6e-1f0d1c2b3a41' },
    },
  };
}

export interface CiTokenSpec {
  issuer?: string;
  subject?: string;
  audience?: string | string[];
  /** Extra or overriding claims (e.g. `ref`, `environment`). */
  claims?: Record<string, unknown>;
}

/** Claims shaped like a GitHub Actions OIDC token, valid around `nowMs`. */
export function ciOidcClaims(
  spec: CiTokenSpec,
  nowMs: number,
  validity: Validity = 'valid',
  ttlSeconds = 300,
): Record<string, unknown> {
  return {
    iss: spec.issuer ?? 'https://token.actions.githubusercontent.com',
    sub: spec.subject ?? 'repo:acme/app:ref:refs/heads/main',
    aud: spec.audience ?? 'https://vault.example.com',
    ...timeClaims(nowMs, validity, ttlSeconds),
    jti: randomUUID(),
    repository: 'acme/app',
    repository_owner: 'acme',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    workflow: 'deploy',
    environment: 'production',
    run_id: '4242',
    actor: 'octocat',
    ...spec.claims,
  };
}
