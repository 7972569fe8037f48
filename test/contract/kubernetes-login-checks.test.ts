import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthHandle,
  generateSigningKey,
  legacyServiceAccountClaims,
  loginWithJwt,
  ManualClock,
  projectedServiceAccountClaims,
  type SigningKey,
  setupKubernetesAuth,
  signHs256Jwt,
  signJwt,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

const DENIED = { errors: ['permission denied'] };
const CONFIG = { kubernetes_host: 'https://10.0.0.1', disable_local_ca_jwt: true };
const ROLE = {
  bound_service_account_names: 'app',
  bound_service_account_namespaces: 'prod',
  audience: 'vault',
  token_policies: 'app',
  token_ttl: '20m',
  token_max_ttl: '1h',
};

describe('Kubernetes auth login checks: order, signature, times, issuer (WIRE §5)', () => {
  let rsa: SigningKey;
  let other: SigningKey;
  let clock: ManualClock;
  let server: VaultServer;
  let handle: AuthHandle;
  beforeAll(() => {
    rsa = generateSigningKey('RS256');
    other = generateSigningKey('ES256');
  });
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
    handle = await setupKubernetesAuth(server, {
      config: { ...CONFIG, pem_keys: [rsa.publicKeyPem] },
      roleFields: ROLE,
      policies: { app: 'path "secret/data/app/*" { capabilities = ["read"] }' },
    });
  });
  afterEach(() => server.close());

  const projected = (spec: Parameters<typeof projectedServiceAccountClaims>[0] = {}) =>
    projectedServiceAccountClaims(
      { name: 'app', namespace: 'prod', audience: 'vault', uid: 'uid-1', ...spec },
      clock.now(),
    );
  const login = (jwt: string, role = handle.role) => loginWithJwt(server, { ...handle, role }, jwt);

  it('checks in Vault order: role, jwt, role name, then config (500)', async () => {
    const jwt = signJwt(rsa, projected());
    const send = (body: Record<string, unknown>) =>
      server.write('auth/kubernetes/login', body, null);
    expect((await send({ jwt })).body).toEqual({ errors: ['missing role'] });
    expect((await send({ role: 'app' })).body).toEqual({ errors: ['missing jwt'] });
    expect(await send({ role: 'nope', jwt: 'x' })).toMatchObject({
      status: 400,
      body: { errors: ['invalid role name "nope"'] },
    });
    await server.write('sys/auth/k2', { type: 'kubernetes' });
    await server.write('auth/k2/role/app', ROLE);
    const res = await server.write('auth/k2/login', { role: 'APP', jwt }, null);
    expect(res).toMatchObject({
      status: 500,
      body: { errors: ['could not load backend configuration'] },
    });
  });

  it.each([
    ['signed by a key not in pem_keys', () => signJwt(other, projected())],
    ['an HS256 token', () => signHs256Jwt('secret', projected())],
    [
      'alg none',
      () => `${signJwt(rsa, projected(), { alg: 'none' }).split('.').slice(0, 2).join('.')}.`,
    ],
    ['not a JWT', () => 'abc'],
  ])('refuses %s with a bare 403 permission denied', async (_name, make) => {
    expect(await login(make())).toMatchObject({ status: 403, body: DENIED });
  });

  it.each([
    ['ES256', 'PS256'],
    ['RS512', 'ES384'],
  ] as const)('verifies %s and %s keys from pem_keys', async (a, b) => {
    const keys = [generateSigningKey(a), generateSigningKey(b)];
    await server.write('auth/kubernetes/config', {
      ...CONFIG,
      pem_keys: keys.map((k) => k.publicKeyPem),
    });
    for (const key of keys) expect((await login(signJwt(key, projected()))).status).toBe(200);
  });

  it('allows 60 s of clock skew past exp and before nbf, not more', async () => {
    const jwt = signJwt(rsa, { ...projected(), iat: 0, nbf: 0, exp: clock.now() / 1000 });
    clock.advanceSeconds(60);
    expect((await login(jwt)).status).toBe(200);
    clock.advanceSeconds(1);
    expect((await login(jwt)).body).toEqual({
      errors: ['invalid expiration time (exp) claim: token is expired'],
    });
    const early = signJwt(rsa, { ...projected(), iat: 0, nbf: clock.now() / 1000 + 60 });
    expect((await login(early)).status).toBe(200);
    const tooEarly = signJwt(rsa, { ...projected(), iat: 0, nbf: clock.now() / 1000 + 61 });
    expect((await login(tooEarly)).body).toEqual({
      errors: ['invalid not before (nbf) claim: token not yet valid'],
    });
  });

  it('gives a token with only iat an exp of iat + 150 s (plus the 60 s skew)', async () => {
    await server.write('auth/kubernetes/role/app', { audience: '' });
    const claims = {
      ...legacyServiceAccountClaims({ name: 'app', namespace: 'prod' }),
      iat: clock.now() / 1000,
    };
    const jwt = signJwt(rsa, claims);
    clock.advanceSeconds(210);
    expect((await login(jwt)).status).toBe(200);
    clock.advanceSeconds(1);
    expect((await login(jwt)).status).toBe(403);
  });

  it('leaves the issuer unchecked unless disable_iss_validation is false and issuer is set', async () => {
    const jwt = signJwt(rsa, projected({ issuer: 'https://elsewhere' }));
    expect((await login(jwt)).status).toBe(200);
    const config = { ...CONFIG, pem_keys: [rsa.publicKeyPem], disable_iss_validation: false };
    await server.write('auth/kubernetes/config', config);
    expect((await login(jwt)).status).toBe(200);
    await server.write('auth/kubernetes/config', { ...config, issuer: 'https://k8s.local' });
    expect((await login(jwt)).body).toEqual({ errors: ['invalid issuer (iss) claim'] });
  });

  it('answers 403 permission denied without pem_keys: the TokenReview stand-in fails', async () => {
    await server.write('auth/kubernetes/config', CONFIG);
    expect(await login(signJwt(rsa, projected()))).toMatchObject({ status: 403, body: DENIED });
    // The local checks still come first, as in Vault.
    expect((await login(signJwt(rsa, projected({ name: 'db' })))).body.errors).toEqual([
      'service account name not authorized',
    ]);
  });
});
