import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  type JwksServer,
  ManualClock,
  type SigningKey,
  startJwksServer,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

const EXACTLY_ONE =
  "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set";
const REDIRECT = "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.";
const CI_ROLE = { role_type: 'jwt', user_claim: 'sub', bound_audiences: 'vault' };

describe('JWT auth config and roles (WIRE §6)', () => {
  let key: SigningKey;
  let server: VaultServer;
  let jwks: JwksServer;
  beforeAll(() => {
    key = generateSigningKey('ES256');
  });
  beforeEach(async () => {
    server = await startVaultServer({ clock: new ManualClock() });
    jwks = await startJwksServer(key);
    expect((await server.write('sys/auth/jwt', { type: 'jwt' })).status).toBe(204);
  });
  afterEach(async () => {
    await server.close();
    await jwks.close();
  });

  const config = (body: Record<string, unknown>) => server.write('auth/jwt/config', body);

  it('stores static keys with a bound issuer and default role, and shows them', async () => {
    const res = await config({
      jwt_validation_pubkeys: [key.publicKeyPem],
      bound_issuer: 'https://ci',
      default_role: 'ci',
    });
    expect(res.status).toBe(204);
    expect((await server.read('auth/jwt/config')).body.data).toMatchObject({
      bound_issuer: 'https://ci',
      default_role: 'ci',
      jwks_url: '',
      jwt_validation_pubkeys: [key.publicKeyPem.trim()],
      oidc_discovery_url: '',
      namespace_in_state: true,
    });
  });

  it.each([
    [{}, EXACTLY_ONE],
    [{ jwks_url: 'http://a', oidc_discovery_url: 'http://b' }, EXACTLY_ONE],
    [
      { jwt_validation_pubkeys: ['junk'] },
      'error parsing public key: data does not contain any valid public keys',
    ],
    [
      { jwt_validation_pubkeys: ['k'], oidc_client_id: 'id' },
      "both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC",
    ],
  ])('refuses config %j with 400 %s', async (body, text) => {
    expect(await config(body)).toMatchObject({ status: 400, body: { errors: [text] } });
  });

  it('refuses an unsupported jwt_supported_algs entry', async () => {
    const res = await config({
      jwt_validation_pubkeys: [key.publicKeyPem],
      jwt_supported_algs: 'HS256',
    });
    expect(res.body).toEqual({
      errors: ['invalid jwt_supported_algs: unsupported signing algorithm "HS256"'],
    });
  });

  it('fetches jwks_url at config time and refuses one it cannot read', async () => {
    expect((await config({ jwks_url: jwks.jwksUrl })).status).toBe(204);
    expect(jwks.jwksFetches).toBe(1);
    jwks.failStatus = 500;
    expect(await config({ jwks_url: jwks.jwksUrl })).toMatchObject({
      status: 400,
      body: { errors: [`error checking jwks URL ${jwks.jwksUrl}`] },
    });
    const closed = await startJwksServer(key);
    const dead = closed.jwksUrl;
    await closed.close(); // nothing listens there any more
    expect((await config({ jwks_url: dead })).body.errors).toEqual([
      `error checking jwks URL ${dead}`,
    ]);
  });

  it('checks oidc_discovery_url at config time: reachable and the same issuer', async () => {
    expect((await config({ oidc_discovery_url: jwks.url })).status).toBe(204);
    expect(jwks.requests).toEqual(['/.well-known/openid-configuration']);
    jwks.issuerOverride = 'https://someone-else';
    const mismatch = await config({ oidc_discovery_url: jwks.url });
    expect(mismatch).toMatchObject({
      status: 400,
      body: { errors: ['error checking oidc discovery URL'] },
    });
    jwks.issuerOverride = null;
    jwks.failStatus = 404;
    expect((await config({ oidc_discovery_url: jwks.url })).body.errors).toEqual([
      'error checking oidc discovery URL',
    ]);
  });

  it('defaults role_type to oidc on every write, updates included', async () => {
    expect(
      await server.write('auth/jwt/role/ci', { user_claim: 'sub', bound_audiences: 'v' }),
    ).toMatchObject({
      status: 400,
      body: { errors: [REDIRECT] },
    });
    expect((await server.write('auth/jwt/role/ci', CI_ROLE)).status).toBe(204);
    expect((await server.write('auth/jwt/role/ci', { token_ttl: '5m' })).body.errors).toEqual([
      REDIRECT,
    ]);
    expect(
      (await server.write('auth/jwt/role/ci', { role_type: 'jwt', token_ttl: '5m' })).status,
    ).toBe(204);
  });

  it('resets bound_claims_type to string on a write that omits it', async () => {
    await server.write('auth/jwt/role/ci', {
      ...CI_ROLE,
      bound_claims_type: 'glob',
      bound_claims: { ref: 'refs/heads/*' },
    });
    expect((await server.read('auth/jwt/role/ci')).body.data.bound_claims_type).toBe('glob');
    await server.write('auth/jwt/role/ci', { role_type: 'jwt' });
    expect((await server.read('auth/jwt/role/ci')).body.data.bound_claims_type).toBe('string');
  });

  it('reads a role back with Vault field names, leeways in seconds', async () => {
    await server.write('auth/jwt/role/CI', {
      ...CI_ROLE,
      bound_claims: { '/nested/env': ['prod', 'stage'], run: 42 },
      claim_mappings: { repository: 'repo' },
      clock_skew_leeway: -1,
      expiration_leeway: '5m',
      token_policies: 'deploy',
      token_ttl: 300,
    });
    const data = (await server.read('auth/jwt/role/ci')).body.data;
    expect(data).toMatchObject({
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: ['vault'],
      bound_claims: { '/nested/env': ['prod', 'stage'], run: 42 },
      bound_claims_type: 'string',
      bound_subject: '',
      claim_mappings: { repository: 'repo' },
      clock_skew_leeway: -1,
      expiration_leeway: 300,
      not_before_leeway: 0,
      token_policies: ['deploy'],
      token_ttl: 300,
      token_type: 'default',
      allowed_redirect_uris: null,
    });
    expect((await server.list('auth/jwt/role')).body.data.keys).toEqual(['ci']);
  });

  it.each([
    [{ role_type: 'saml' }, "invalid 'role_type': saml"],
    [{ role_type: 'jwt', bound_audiences: 'v' }, 'a user claim must be defined on the role'],
    [
      { role_type: 'jwt', user_claim: 'sub' },
      'must have at least one bound constraint when creating/updating a role',
    ],
    [{ ...CI_ROLE, bound_claims_type: 'regex' }, "invalid 'bound_claims_type': regex"],
    [
      { ...CI_ROLE, bound_claims_type: 'glob', bound_claims: { run: 42 } },
      'claim is not a string: 42',
    ],
    [
      { ...CI_ROLE, claim_mappings: { sub: 'role' } },
      'metadata key "role" is reserved and may not be a mapping destination',
    ],
    [
      { ...CI_ROLE, claim_mappings: { a: 'x', b: 'x' } },
      'multiple keys are mapped to metadata key "x"',
    ],
    [
      { ...CI_ROLE, token_ttl: '2h', token_max_ttl: '1h' },
      "'token_ttl' cannot be greater than 'token_max_ttl'",
    ],
  ])('refuses role %j with 400 %s', async (body, text) => {
    expect(await server.write('auth/jwt/role/ci', body)).toMatchObject({
      status: 400,
      body: { errors: [text] },
    });
  });

  it('counts a bound subject, bound claims or token_bound_cidrs as a constraint', async () => {
    for (const extra of [
      { bound_subject: 'repo:acme/app:ref:refs/heads/main' },
      { bound_claims: { ref: 'refs/heads/main' } },
      { token_bound_cidrs: '127.0.0.1/32' },
    ]) {
      const body = { role_type: 'jwt', user_claim: 'sub', ...extra };
      expect((await server.write('auth/jwt/role/x', body)).status).toBe(204);
      await server.delete('auth/jwt/role/x');
    }
  });
});
