import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthHandle,
  ciOidcClaims,
  generateSigningKey,
  loginWithJwt,
  ManualClock,
  type SigningKey,
  setupJwtAuth,
  signJwt,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

const ISSUER = 'https://token.actions.githubusercontent.com';
const AUD = 'https://vault.example.com';
const ROLE = {
  role_type: 'jwt',
  user_claim: 'sub',
  bound_audiences: AUD,
  bound_claims: { repository: 'acme/app' },
  claim_mappings: { repository: 'repo', ref: 'git_ref' },
  token_policies: 'deploy',
  token_ttl: '10m',
  token_max_ttl: '30m',
};
const invalid = (text: string) => ({ errors: [`error validating token: ${text}`] });

describe('JWT auth login (WIRE §6)', () => {
  let key: SigningKey;
  let other: SigningKey;
  let clock: ManualClock;
  let server: VaultServer;
  let handle: AuthHandle;
  beforeAll(() => {
    key = generateSigningKey('RS256');
    other = generateSigningKey('RS256');
  });
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
    handle = await setupJwtAuth(server, {
      config: { jwt_validation_pubkeys: [key.publicKeyPem], bound_issuer: ISSUER },
      roleFields: ROLE,
    });
  });
  afterEach(() => server.close());

  const claims = (extra: Record<string, unknown> = {}) => ({
    ...ciOidcClaims({ issuer: ISSUER, audience: AUD }, clock.now()),
    ...extra,
  });
  const login = (jwt: string) => loginWithJwt(server, handle, jwt);

  it('logs in: metadata from claim_mappings plus role, alias by user_claim, role TTL', async () => {
    const res = await login(signJwt(key, claims()));
    expect(res.status).toBe(200);
    expect(res.body.mount_type).toBe('jwt');
    expect(res.body.auth).toMatchObject({
      policies: ['default', 'deploy'],
      metadata: { repo: 'acme/app', git_ref: 'refs/heads/main', role: 'ci' },
      lease_duration: 600,
      renewable: true,
      token_type: 'service',
    });
    const again = await login(signJwt(key, claims()));
    expect(again.body.auth.entity_id).toBe(res.body.auth.entity_id);
    const self = await server.read('auth/token/lookup-self', res.body.auth.client_token);
    expect(self.body.data).toMatchObject({
      display_name: 'jwt-repo:acme/app:ref:refs/heads/main',
      path: 'auth/jwt/login',
    });
  });

  it('renews the token by the role and stops at token_max_ttl', async () => {
    const token = (await login(signJwt(key, claims()))).body.auth.client_token;
    const renew = () => server.write('auth/token/renew-self', { increment: '1h' }, token);
    clock.advanceSeconds(300);
    const first = await renew();
    expect(first.body.auth.lease_duration).toBe(1500);
    expect(first.body.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "25m"; TTL value is capped accordingly',
    ]);
    clock.advanceSeconds(1500);
    expect((await renew()).status).toBe(403);
  });

  it('takes default_role when the login names none, and lower-cases a given role', async () => {
    const jwt = signJwt(key, claims());
    expect((await server.write('auth/jwt/login', { jwt }, null)).body.errors).toEqual([
      'missing role',
    ]);
    await server.write('auth/jwt/config', {
      jwt_validation_pubkeys: [key.publicKeyPem],
      bound_issuer: ISSUER,
      default_role: 'ci',
    });
    expect((await server.write('auth/jwt/login', { jwt }, null)).status).toBe(200);
    expect((await server.write('auth/jwt/login', { role: 'CI', jwt }, null)).status).toBe(200);
  });

  it('checks in order before the token: config, role, role type, token', async () => {
    await server.write('sys/auth/jwt2', { type: 'jwt' });
    const send = (mount: string, body: Record<string, unknown>) =>
      server.write(`auth/${mount}/login`, body, null);
    expect(await send('jwt2', { role: 'ci', jwt: 'x' })).toMatchObject({
      status: 400,
      body: { errors: ['could not load configuration'] },
    });
    expect((await send('jwt', { role: 'nope', jwt: 'x' })).body.errors).toEqual([
      'role "nope" could not be found',
    ]);
    await server.write('auth/jwt/role/web', {
      user_claim: 'sub',
      allowed_redirect_uris: 'https://app/callback',
    });
    expect((await send('jwt', { role: 'web', jwt: 'x' })).body.errors).toEqual([
      'role with oidc role_type is not allowed',
    ]);
    expect((await send('jwt', { role: 'ci' })).body.errors).toEqual(['missing token']);
  });

  it.each([
    [
      'a token signed by another key',
      () => signJwt(other, claims()),
      'error verifying token signature: no known key successfully validated the token signature',
    ],
    [
      'a token that is not a JWS',
      () => 'abc.def',
      'error verifying token signature: go-jose/go-jose: compact JWS format must have three parts',
    ],
    [
      'another issuer',
      () => signJwt(key, claims({ iss: 'https://gitlab' })),
      'invalid issuer (iss) claim',
    ],
    [
      'another audience',
      () => signJwt(key, claims({ aud: ['x', 'y'] })),
      'invalid audience (aud) claim: audience claim does not match any expected audience',
    ],
    [
      'an expired token',
      () => signJwt(key, claims({ exp: clock.now() / 1000 - 61 })),
      'invalid expiration time (exp) claim: token is expired',
    ],
    [
      'a token not valid yet',
      () => signJwt(key, claims({ nbf: clock.now() / 1000 + 61 })),
      'invalid not before (nbf) claim: token not yet valid',
    ],
    [
      'a token issued in the future',
      () => signJwt(key, claims({ nbf: undefined, iat: clock.now() / 1000 + 61 })),
      'invalid not before (nbf) claim: token not yet valid',
    ],
    [
      'a token without iat, nbf or exp',
      () => signJwt(key, claims({ iat: undefined, nbf: undefined, exp: undefined })),
      'no issued at (iat), not before (nbf), or expiration time (exp) claims in token',
    ],
  ])('refuses %s with 400 "error validating token: …"', async (_name, make, text) => {
    expect(await login(make())).toMatchObject({ status: 400, body: invalid(text) });
  });

  it.each([
    ['expired', 'invalid expiration time (exp) claim: token is expired'],
    ['not-yet-valid', 'invalid not before (nbf) claim: token not yet valid'],
  ] as const)("refuses the fixture's %s tokens", async (validity, text) => {
    const jwt = signJwt(
      key,
      ciOidcClaims({ issuer: ISSUER, audience: AUD }, clock.now(), validity),
    );
    expect((await login(jwt)).body).toEqual(invalid(text));
  });

  it('refuses an iat in the future when nbf is before it', async () => {
    const now = clock.now() / 1000;
    const jwt = signJwt(key, claims({ nbf: now, iat: now + 61, exp: now + 600 }));
    expect((await login(jwt)).body).toEqual(
      invalid('invalid issued at (iat) claim: token issued in the future'),
    );
  });

  it('checks bound_subject against sub', async () => {
    await server.write('auth/jwt/role/ci', {
      ...ROLE,
      bound_subject: 'repo:acme/app:ref:refs/heads/prod',
    });
    expect((await login(signJwt(key, claims()))).body).toEqual(
      invalid('invalid subject (sub) claim'),
    );
  });

  it('refuses an aud claim when the role binds no audience', async () => {
    const { bound_audiences: _, ...role } = ROLE;
    await server.write('auth/jwt/role/ci', { ...role, bound_audiences: '' });
    expect((await login(signJwt(key, claims()))).body.errors).toEqual([
      'audience claim found in JWT but no audiences bound to the role',
    ]);
    expect((await login(signJwt(key, claims({ aud: [] })))).status).toBe(200);
  });

  it.each([
    [{ sub: undefined }, 'claim "sub" not found in token'],
    [
      { sub: 42 },
      'error validating token: json: cannot unmarshal number into Go struct field Claims.sub of type string',
    ],
    [
      { repository: 'acme/other' },
      'error validating claims: claim "repository" does not match any associated bound claim values',
    ],
    [{ repository: undefined }, 'error validating claims: claim "repository" is missing'],
    [{ ref: 7 }, "error converting claim 'ref' to string"],
  ])('refuses claims %j with 400 %s', async (extra, text) => {
    expect(await login(signJwt(key, claims(extra)))).toMatchObject({
      status: 400,
      body: { errors: [text] },
    });
  });

  it('refuses a user claim that is not a string', async () => {
    await server.write('auth/jwt/role/ci', { ...ROLE, user_claim: 'run_attempt' });
    expect((await login(signJwt(key, claims({ run_attempt: 2 })))).body.errors).toEqual([
      'claim "run_attempt" could not be converted to string',
    ]);
  });

  it('checks the user claim before the bound claims', async () => {
    const res = await login(signJwt(key, claims({ sub: undefined, repository: 'acme/other' })));
    expect(res.body.errors).toEqual(['claim "sub" not found in token']);
  });

  it('enforces jwt_supported_algs after the signature', async () => {
    await server.write('auth/jwt/config', {
      jwt_validation_pubkeys: [key.publicKeyPem],
      bound_issuer: ISSUER,
      jwt_supported_algs: 'ES256',
    });
    expect((await login(signJwt(key, claims()))).body).toEqual(
      invalid('invalid algorithm (alg) header parameter: token signed with unexpected algorithm'),
    );
  });

  it('verifies EdDSA tokens against an Ed25519 jwt_validation_pubkey', async () => {
    const ed = generateSigningKey('EdDSA');
    await server.write('auth/jwt/config', {
      jwt_validation_pubkeys: [ed.publicKeyPem],
      bound_issuer: ISSUER,
    });
    expect((await login(signJwt(ed, claims()))).status).toBe(200);
  });

  it('refuses addresses outside token_bound_cidrs with 403 permission denied', async () => {
    await server.write('auth/jwt/role/ci', { ...ROLE, token_bound_cidrs: '10.0.0.0/8' });
    expect(await login(signJwt(key, claims()))).toMatchObject({
      status: 403,
      body: { errors: ['permission denied'] },
    });
  });
});
