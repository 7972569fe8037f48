import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  loginWithJwt,
  ManualClock,
  type SigningKey,
  setupJwtAuth,
  signJwt,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

const EXPIRED = 'error validating token: invalid expiration time (exp) claim: token is expired';
const EARLY = 'error validating token: invalid not before (nbf) claim: token not yet valid';
const BASE_ROLE = { role_type: 'jwt', user_claim: 'sub', bound_subject: 'ci' };

describe('JWT auth leeways and bound claims (WIRE §6)', () => {
  let key: SigningKey;
  let clock: ManualClock;
  let server: VaultServer;
  beforeAll(() => {
    key = generateSigningKey('ES256');
  });
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
    await setupJwtAuth(server, {
      config: { jwt_validation_pubkeys: [key.publicKeyPem] },
      roleFields: BASE_ROLE,
    });
  });
  afterEach(() => server.close());

  const now = () => clock.now() / 1000;
  const role = (fields: Record<string, unknown>) =>
    server.write('auth/jwt/role/ci', { ...BASE_ROLE, ...fields });
  const login = async (claims: Record<string, unknown>) =>
    loginWithJwt(server, { mount: 'jwt', role: 'ci' }, signJwt(key, { sub: 'ci', ...claims }));
  /** The login's error text, or "ok". */
  const outcome = async (claims: Record<string, unknown>) => {
    const res = await login(claims);
    return res.status === 200 ? 'ok' : res.body.errors[0];
  };

  it.each([
    [{}, 60],
    [{ clock_skew_leeway: 0 }, 60],
    [{ clock_skew_leeway: 120 }, 120],
    [{ clock_skew_leeway: -1 }, 0],
  ])('role %j accepts an exp up to %i s in the past', async (fields, skew) => {
    await role(fields);
    const exp = now();
    clock.advanceSeconds(skew);
    expect(await outcome({ exp })).toBe('ok');
    clock.advanceSeconds(1);
    expect(await outcome({ exp })).toBe(EXPIRED);
  });

  it.each([
    [{}, 150 + 60],
    [{ expiration_leeway: 30 }, 30 + 60],
    [{ expiration_leeway: -1 }, 60],
    [{ expiration_leeway: -1, clock_skew_leeway: -1 }, 0],
  ])('role %j gives a token without exp a life of %i s after iat', async (fields, life) => {
    await role(fields);
    const iat = now();
    clock.advanceSeconds(life);
    expect(await outcome({ iat })).toBe('ok');
    clock.advanceSeconds(1);
    expect(await outcome({ iat })).toBe(EXPIRED);
  });

  it('never extends an exp the token carries', async () => {
    await role({ expiration_leeway: 3600 });
    const exp = now();
    clock.advanceSeconds(61);
    expect(await outcome({ iat: exp - 10, exp })).toBe(EXPIRED);
  });

  it.each([
    [{}, 150 + 60],
    [{ not_before_leeway: 300 }, 300 + 60],
    [{ not_before_leeway: -1 }, 60],
  ])('role %j takes a token with only exp from exp minus %i s', async (fields, window) => {
    await role(fields);
    const exp = now() + 1000;
    clock.advanceSeconds(1000 - window - 1);
    expect(await outcome({ exp })).toBe(EARLY);
    clock.advanceSeconds(1);
    expect(await outcome({ exp })).toBe('ok');
  });

  it.each([
    ['a list value: any element', { env: ['stage', 'prod'] }, { env: 'prod' }, true],
    ['a list claim: any element', { group: 'ops' }, { group: ['dev', 'ops'] }, true],
    ['a JSON pointer', { '/ns/team': 'platform' }, { ns: { team: 'platform' } }, true],
    ['a JSON pointer into a list', { '/groups/1': 'ops' }, { groups: ['dev', 'ops'] }, true],
    ['a number', { run: 42 }, { run: 42 }, true],
    ['a float claim (truncated)', { run: 42 }, { run: 42.9 }, true],
    ['a number as text', { run: 42 }, { run: '42' }, false],
    ['a number inside a list claim', { run: 42 }, { run: [42] }, false],
    ['a bool', { protected: true }, { protected: true }, true],
    ['a bool as text', { protected: true }, { protected: 'true' }, false],
    ['a string glob in string mode', { ref: 'refs/*' }, { ref: 'refs/heads/main' }, false],
  ])('string bound claims: %s', async (_name, bound, claims, ok) => {
    await role({ bound_claims: bound });
    const claim = Object.keys(bound)[0] as string;
    expect(await outcome({ iat: now(), ...claims })).toBe(
      ok
        ? 'ok'
        : `error validating claims: claim ${JSON.stringify(claim)} does not match any associated bound claim values`,
    );
  });

  it.each([
    ['refs/heads/release-*', 'refs/heads/release-1.2', true],
    ['refs/heads/*', 'refs/tags/v1', false],
    ['refs/heads/release-?', 'refs/heads/release-1', false],
    ['*', 'anything', true],
  ])('glob bound claim %s against %s', async (pattern, ref, ok) => {
    await role({ bound_claims_type: 'glob', bound_claims: { ref: pattern } });
    expect((await login({ iat: now(), ref })).status).toBe(ok ? 200 : 400);
  });

  it('maps claims through JSON pointers into metadata, skipping absent ones', async () => {
    await role({ claim_mappings: { '/ns/team': 'team', missing: 'gone' } });
    const res = await login({ iat: now(), ns: { team: 'platform' } });
    expect(res.body.auth.metadata).toEqual({ team: 'platform', role: 'ci' });
  });
});
