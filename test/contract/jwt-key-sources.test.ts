import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ciOidcClaims,
  generateSigningKey,
  type JwksServer,
  loginWithJwt,
  ManualClock,
  type SigningKey,
  setupJwtAuth,
  signHs256Jwt,
  signJwt,
  startJwksServer,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

const ROLE = { role_type: 'jwt', user_claim: 'sub', bound_audiences: 'vault' };
const HANDLE = { mount: 'jwt', role: 'ci' };
const sigError = (text: string) => [
  `error validating token: error verifying token signature: ${text}`,
];

describe('JWT auth with jwks_url and oidc_discovery_url (WIRE §6)', () => {
  let first: SigningKey;
  let second: SigningKey;
  let clock: ManualClock;
  let server: VaultServer;
  let jwks: JwksServer;
  beforeAll(() => {
    first = generateSigningKey('RS256', 'key-1');
    second = generateSigningKey('ES256', 'key-2');
  });
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
    jwks = await startJwksServer(first);
  });
  afterEach(async () => {
    await server.close();
    await jwks.close();
  });

  const token = (key: SigningKey) =>
    signJwt(key, ciOidcClaims({ audience: 'vault', issuer: jwks.url }, clock.now()));
  const login = (jwt: string) => loginWithJwt(server, HANDLE, jwt);

  describe('jwks_url', () => {
    beforeEach(async () => {
      await setupJwtAuth(server, { config: { jwks_url: jwks.jwksUrl }, roleFields: ROLE });
    });

    it('logs in, fetching the keys once and then using the cache', async () => {
      expect((await login(token(first))).status).toBe(200);
      expect((await login(token(first))).status).toBe(200);
      expect(jwks.jwksFetches).toBe(2); // one at config time, one at the first login
    });

    it('fetches again for a key it does not know (rotation)', async () => {
      expect((await login(token(first))).status).toBe(200);
      jwks.keys = [first, second];
      expect((await login(token(second))).status).toBe(200);
      expect(jwks.jwksFetches).toBe(3);
    });

    it('refuses a key the endpoint does not serve after fetching again', async () => {
      const res = await login(token(second));
      expect(res).toMatchObject({
        status: 400,
        body: { errors: sigError('failed to verify id token signature') },
      });
    });

    it('keeps logging in with cached keys while the endpoint is down', async () => {
      expect((await login(token(first))).status).toBe(200);
      jwks.failStatus = 503;
      expect((await login(token(first))).status).toBe(200);
      expect((await login(token(second))).body.errors).toEqual(
        sigError('fetching keys oidc: get keys failed: 503 Service Unavailable unavailable'),
      );
    });

    it.each([
      [
        'a malformed token',
        () => 'abc',
        'oidc: malformed jwt: go-jose/go-jose: compact JWS format must have three parts',
      ],
      [
        'an HS256 token',
        () => signHs256Jwt('s', { sub: 'x' }),
        'oidc: malformed jwt: go-jose/go-jose: unexpected signature algorithm "HS256"; expected ["RS256" "RS384" "RS512" "ES256" "ES384" "ES512" "PS256" "PS384" "PS512" "EdDSA"]',
      ],
    ])('refuses %s', async (_name, make, text) => {
      expect((await login(make())).body.errors).toEqual(sigError(text));
    });
  });

  describe('oidc_discovery_url', () => {
    it('logs in through the discovery document, read again at the first login', async () => {
      await setupJwtAuth(server, {
        config: { oidc_discovery_url: jwks.url, bound_issuer: jwks.url },
        roleFields: ROLE,
      });
      expect((await login(token(first))).status).toBe(200);
      expect(jwks.requests).toEqual([
        '/.well-known/openid-configuration',
        '/.well-known/openid-configuration',
        '/jwks',
      ]);
    });

    it('answers 400 at login when the discovery document is gone by then', async () => {
      await setupJwtAuth(server, { config: { oidc_discovery_url: jwks.url }, roleFields: ROLE });
      jwks.failStatus = 500;
      const res = await login(token(first));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        'error configuring token validator: keyset configuration error: 500 Internal Server Error: unavailable',
      ]);
    });
  });
});
