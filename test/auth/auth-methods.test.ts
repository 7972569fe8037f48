import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authMethod } from '../../src/auth/auth-methods.ts';
import { literalCredentials } from '../../src/auth/credential-source.ts';
import { readJwtClaims } from '../../src/auth/jwt-claims.ts';
import type { AuthConfig } from '../../src/config/config-types.ts';

/** An unsigned compact JWT: keyturn reads claims only to plan, Vault verifies signatures. */
const jwtWith = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('readJwtClaims', () => {
  it.each([
    [
      'sub and exp',
      jwtWith({ sub: 'repo:org/app:ref:refs/heads/main', exp: 100 }),
      { sub: 'repo:org/app:ref:refs/heads/main', exp: 100 },
    ],
    ['claims of other types ignored', jwtWith({ sub: 5, exp: '100' }), {}],
    ['not a JWT', 'hvs.CAESIJ', undefined],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c', undefined],
  ])('%s', (_label, token, expected) => {
    expect(readJwtClaims(token)).toEqual(expected);
  });
});

describe('reloginPlan of each method (SPEC §6)', () => {
  it('kubernetes: always, the token file is re-read', async () => {
    const plan = await authMethod({
      method: 'kubernetes',
      mount: 'kubernetes',
      role: 'app',
      jwt: { kind: 'file', path: '/var/run/sa/token', removeAfterRead: false },
    }).reloginPlan({}, NOW);
    expect(plan).toEqual({
      possible: true,
      how: 'the service-account token re-read from /var/run/sa/token',
    });
  });

  it.each([
    ['an unexpired JWT', NOW / 1000 + 600, true],
    ['an expired JWT', NOW / 1000 - 1, false],
    ['a JWT without exp', undefined, true],
  ])('jwt: %s → %s', async (_label, exp, possible) => {
    const env = { CI_JOB_JWT: jwtWith(exp === undefined ? { sub: 's' } : { sub: 's', exp }) };
    const method = authMethod({
      method: 'jwt',
      mount: 'jwt',
      jwt: { kind: 'env', name: 'CI_JOB_JWT' },
    });
    expect((await method.reloginPlan(env, NOW)).possible).toBe(possible);
  });

  it('jwt: a file that is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyturn-jwt-'));
    try {
      const path = join(dir, 'oidc');
      const config: AuthConfig = {
        method: 'jwt',
        mount: 'jwt',
        jwt: { kind: 'file', path, removeAfterRead: false },
      };
      await writeFile(path, jwtWith({ exp: NOW / 1000 + 60 }));
      expect((await authMethod(config).reloginPlan({}, NOW)).possible).toBe(true);
      await rm(path);
      const plan = await authMethod(config).reloginPlan({}, NOW);
      expect(plan).toMatchObject({
        possible: false,
        why: expect.stringContaining('cannot be read again'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('token: never', async () => {
    const plan = await authMethod({
      method: 'token',
      token: { kind: 'env', name: 'VAULT_TOKEN' },
    }).reloginPlan({ VAULT_TOKEN: 'hvs.x' }, NOW);
    expect(plan.possible).toBe(false);
  });
});

describe('what the detached renewer gets (forRenewer)', () => {
  it.each<[string, AuthConfig]>([
    [
      'kubernetes',
      {
        method: 'kubernetes',
        mount: 'k',
        role: 'r',
        jwt: { kind: 'file', path: '/t', removeAfterRead: false },
      },
    ],
    ['jwt', { method: 'jwt', mount: 'j', jwt: { kind: 'env', name: 'CI_JOB_JWT' } }],
    ['token', { method: 'token', token: { kind: 'file', path: '/t', removeAfterRead: false } }],
  ])('%s keeps its source: it holds no one-time credential', (_label, config) => {
    expect(authMethod(config).forRenewer()).toEqual(config);
  });

  it('approle drops a spent literal secret ID', () => {
    const config: AuthConfig = {
      method: 'approle',
      mount: 'approle',
      roleId: { kind: 'literal', value: 'role-literal' },
      secretId: { kind: 'literal', value: 'secret-literal' },
      wrapped: 'auto',
    };
    expect(JSON.stringify(authMethod(config).forRenewer())).not.toContain('secret-literal');
    expect(literalCredentials(config)).toEqual(['role-literal', 'secret-literal']);
  });
});
