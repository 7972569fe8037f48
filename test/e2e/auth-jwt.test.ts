import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ciOidcClaims,
  generateSigningKey,
  type SigningKey,
  setupJwtAuth,
  signJwt,
  startJwksServer,
  type Validity,
} from '../vault-server/index.ts';
import { msg, startKeyturn } from './agent-process.ts';
import { writeAgentConfig } from './agent-world.ts';
import { recordTokens } from './fetch-world.ts';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import {
  defaultPolicy,
  mountEngines,
  startVaultServer,
  tempDir,
  type VaultServer,
} from './vault-fixture.ts';

const password = 'jwt-db-password-8e21d0';
const AUDIENCE = 'https://vault.example.com';
const ROLE = {
  role_type: 'jwt',
  user_claim: 'sub',
  bound_audiences: AUDIENCE,
  bound_claims: { repository: 'acme/app' },
  token_policies: 'app',
  token_ttl: '1h',
};

let signer: SigningKey;
beforeAll(() => {
  signer = generateSigningKey('RS256');
});

/** A GitHub Actions OIDC token, valid now unless told otherwise. */
const ciJwt = (
  options: {
    validity?: Validity;
    ttlSeconds?: number;
    claims?: Record<string, unknown>;
    audience?: string;
  } = {},
) =>
  signJwt(
    signer,
    ciOidcClaims(
      { audience: options.audience ?? AUDIENCE, claims: options.claims ?? {} },
      Date.now(),
      options.validity ?? 'valid',
      options.ttlSeconds ?? 300,
    ),
  );

async function world(vault: VaultServer, config: Record<string, unknown>, role = {}) {
  await mountEngines(vault);
  await vault.write('sys/policies/acl/app', { policy: defaultPolicy });
  await vault.write('secret/data/app/db', { data: { username: 'app', password } });
  await setupJwtAuth(vault, { config, roleFields: { ...ROLE, ...role } });
  return recordTokens(vault);
}

const CONFIG = `auth: { jwt: { role: ci, jwt: { env: CI_JOB_JWT } } }
secrets:
  - { path: secret/app/db, field: password, to: out/pw }
`;

describe('auth.jwt: a CI job logs in with its OIDC token', () => {
  it('prestart with jwt_validation_pubkeys: logged in, subject named once, the JWT never shown', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const tokens = await world(vault, { jwt_validation_pubkeys: [signer.publicKeyPem] });
    const jwt = ciJwt();
    const config = await writeAgentConfig(dir.path, CONFIG);

    const result = await runKeyturn(['prestart', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, CI_JOB_JWT: jwt },
    });

    expect(result.code, result.stderr).toBe(0);
    const lines = logLines(result);
    expect(lines.filter((l) => l.subject === 'repo:acme/app:ref:refs/heads/main')).toHaveLength(1);
    expect(lines.find(msg('logged in with JWT'))).toMatchObject({ method: 'jwt', role: 'ci' });
    // No claim but the subject reaches the log (the repository is a bound claim here).
    expect(result.stderr).not.toContain('octocat');
    expectNoSecrets(result, { jwt, password, ...Object.fromEntries(tokens.entries()) });
  });

  it('prestart with a JWKS URL and no role (the mount default_role), JWT from a file', async () => {
    await using jwks = await startJwksServer(signer);
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault, { jwks_url: jwks.jwksUrl, default_role: 'ci' });
    const jwt = ciJwt();
    await writeFile(join(dir.path, 'oidc'), jwt);
    const config = await writeAgentConfig(
      dir.path,
      CONFIG.replace('{ role: ci, jwt: { env: CI_JOB_JWT } }', '{ jwt: { file: oidc } }'),
    );

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });

    expect(result.code, result.stderr).toBe(0);
    const login = vault.requests.find((r) => r.path === 'auth/jwt/login');
    expect(login?.body).toEqual({ jwt });
    expectNoSecrets(result, { jwt, password });
  });

  it.each([
    [
      'an expired JWT',
      { validity: 'expired' as const },
      /token is expired\): CI identity tokens live minutes/,
    ],
    ['a JWT for another audience', { audience: 'sts.amazonaws.com' }, /audience/],
    [
      'a JWT of another repository',
      { claims: { repository: 'evil/fork' } },
      /claim "repository" does not match any associated bound claim values/,
    ],
  ])('%s is refused: 77 with the reason', async (_label, options, reason) => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault, { jwt_validation_pubkeys: [signer.publicKeyPem] });
    const jwt = ciJwt(options);
    const config = await writeAgentConfig(dir.path, CONFIG);

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, CI_JOB_JWT: jwt },
    });

    expect(result.code, result.stderr).toBe(77);
    const error = logLines(result).find((l) => l.level === 'error');
    expect(error?.msg).toMatch(/JWT login refused for role "ci" on auth\/jwt \(400: /);
    expect(error?.msg).toMatch(reason);
    expectNoSecrets(result, { jwt });
  });

  it('agent logs in again with the JWT while it is valid, and exits 75 once it has expired', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const tokens = await world(
      vault,
      { jwt_validation_pubkeys: [signer.publicKeyPem] },
      { token_ttl: '2s', token_max_ttl: '3s' },
    );
    // The JWT comes from a file, re-read at each login: it expires when the test says so (the
    // log in again has happened), not after a guess at how fast a busy machine starts keyturn.
    const jwt = ciJwt();
    const file = join(dir.path, 'oidc');
    await writeFile(file, jwt);
    const config = await writeAgentConfig(
      dir.path,
      CONFIG.replace('{ role: ci, jwt: { env: CI_JOB_JWT } }', '{ role: ci, jwt: { file: oidc } }'),
    );
    await using agent = startKeyturn(['agent', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });
    let logins = 0;
    const relogin = await vault.waitFor(
      (r) => r.path === 'auth/jwt/login' && r.status === 200 && ++logins === 2,
      { timeoutMs: 15_000 },
    );
    expect(relogin.body).toEqual({ role: 'ci', jwt });
    const expired = ciJwt({ validity: 'expired' });
    await writeFile(`${file}.new`, expired);
    await rename(`${file}.new`, file);

    const result = await agent.done;

    expect(result.code, result.stderr).toBe(75);
    const all = vault.requests.filter((r) => r.path === 'auth/jwt/login');
    expect(all.every((r) => r.status === 200 && r.body.jwt === jwt)).toBe(true);
    expect(logLines(result).some((l) => /the JWT from .*oidc expired at/.test(String(l.msg)))).toBe(
      true,
    );
    expectNoSecrets(result, { jwt, expired, password, ...Object.fromEntries(tokens.entries()) });
  });
});
