import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { apiKey, authWorld, errorMessage } from './auth-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

const interception = /possible interception/;

describe('keyturn prestart: response-wrapped secret IDs (SPEC §4)', () => {
  it('a wrapping token used twice: the second start exits 77, sends no login and leaves the first files alone', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: true');
    const env = { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped };

    const first = await w.prestart(config, { env });
    expect(first.code).toBe(0);
    const token = await w.expectFilesWritten();
    const tokenStat = await stat(w.out('token'));
    const before = w.vault.requests.length;

    const second = await w.prestart(config, { env });

    expect(second.code).toBe(77);
    expect(errorMessage(second)).toMatch(interception);
    expect(errorMessage(second)).toMatch(/already unwrapped/);
    expect(w.paths(before)).toEqual(['sys/wrapping/lookup']);
    expect((await readFile(w.out('token'), 'utf8')).trim()).toBe(token);
    expect((await stat(w.out('token'))).mtimeMs).toBe(tokenStat.mtimeMs);
    expect(await readFile(w.out('api-key'), 'utf8')).toBe(apiKey);
    const [secretId] = w.loginSecretIds();
    for (const result of [first, second]) {
      expectNoSecrets(result, { wrapped, roleId: w.app.roleId, token, secretId, apiKey });
    }
  });

  it.each([
    ['a wrapped KV read', 'kv/app/api', 'GET', undefined],
    ["someone else's secret ID wrapped with sys/wrapping/wrap", 'sys/wrapping/wrap', 'POST', {}],
  ])('%s is refused with 77 before it is unwrapped', async (_name, path, method, body) => {
    await using w = await authWorld();
    // An attacker's own secret ID, wrapped by hand: unwrapping it would log in as them.
    const foreign = await w.app.plainSecretId();
    const response = await w.vault.request(method, path, {
      headers: { 'X-Vault-Wrap-TTL': '120s' },
      ...(body ? { body: { secret_id: foreign } } : {}),
    });
    const wrapped: string = response.body.wrap_info.token;
    expect(response.body.wrap_info.creation_path).toBe(path);
    const config = await w.writeConfig('wrapped: auto');

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.code).toBe(77);
    expect(errorMessage(result)).toMatch(interception);
    expect(errorMessage(result)).toContain(`"${path}"`);
    expect(w.paths().filter((p) => p.startsWith('sys/wrapping/') || p.endsWith('login'))).toEqual([
      ...(path.startsWith('sys/wrapping/') ? [path] : []),
      'sys/wrapping/lookup',
    ]);
    // Not spent: the token still unwraps, so its owner can find out it was intercepted.
    const unwrap = await w.vault.request('POST', 'sys/wrapping/unwrap', { token: wrapped });
    expect(unwrap.status).toBe(200);
    expectNoSecrets(result, { wrapped, foreign, roleId: w.app.roleId, apiKey });
  });

  it('a wrapping token from another role is refused when expected_creation_path pins the role', async () => {
    await using w = await authWorld();
    await w.vault.write('auth/approle/role/other', { token_policies: ['app'] });
    const other = await w.vault.request('POST', 'auth/approle/role/other/secret-id', {
      headers: { 'X-Vault-Wrap-TTL': '120s' },
    });
    const wrapped: string = other.body.wrap_info.token;
    const config = await w.writeConfig(
      'wrapped: true\nexpected_creation_path: auth/approle/role/app/secret-id',
    );

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.code).toBe(77);
    expect(errorMessage(result)).toMatch(interception);
    expect(errorMessage(result)).toContain('"auth/approle/role/other/secret-id"');
    expect(errorMessage(result)).toContain('"auth/approle/role/app/secret-id"');
    expect(w.paths()).not.toContain('sys/wrapping/unwrap');
    expect(w.paths()).not.toContain('auth/approle/login');
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
  });

  it('an expired wrapping token exits 77 "possible interception" without an unwrap', async () => {
    const clock = new ManualClock(Date.now());
    await using w = await authWorld({ clock });
    const wrapped = await w.app.wrappedSecretId('1s');
    clock.advanceSeconds(5);
    const config = await w.writeConfig('wrapped: true');

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.code).toBe(77);
    expect(errorMessage(result)).toMatch(interception);
    expect(errorMessage(result)).toMatch(/expired/);
    expect(w.paths().filter((p) => p.startsWith('sys/wrapping/'))).toEqual(['sys/wrapping/lookup']);
    expect(w.paths()).not.toContain('auth/approle/login');
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
  });

  it('a token unwrapped by someone else between lookup and unwrap exits 77, without a login', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: true');
    // What Vault answers an unwrap of a token that another party just spent.
    w.vault.failNext(1, {
      status: 400,
      path: 'sys/wrapping/unwrap',
      errors: ['wrapping token is not valid or does not exist'],
    });

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.code).toBe(77);
    expect(errorMessage(result)).toMatch(interception);
    expect(w.paths().filter((p) => p.startsWith('sys/wrapping/'))).toEqual([
      'sys/wrapping/lookup',
      'sys/wrapping/unwrap',
    ]);
    expect(w.paths()).not.toContain('auth/approle/login');
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
  });

  it('wrapped: auto takes a plain UUID as a secret ID, logs in, and recommends wrapping once', async () => {
    await using w = await authWorld();
    const secretId = await w.app.plainSecretId();
    const config = await w.writeConfig('wrapped: auto');

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(0);
    const token = await w.expectFilesWritten();
    const warnings = logLines(result).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toMatch(/not response-wrapped.*wrap/);
    expect(w.paths().filter((p) => p.startsWith('sys/wrapping/'))).toEqual([]);
    expect(w.loginSecretIds()).toEqual([secretId]);
    expectNoSecrets(result, { secretId, roleId: w.app.roleId, token, apiKey });
  });

  it('wrapped: false sends a wrapping token as the secret ID: Vault refuses it, exit 77', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: false');

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.code).toBe(77);
    expect(errorMessage(result)).toMatch(/AppRole login refused/);
    expect(w.paths().filter((p) => p.startsWith('sys/wrapping/'))).toEqual([]);
    expect(w.paths().filter((p) => p === 'auth/approle/login')).toHaveLength(1);
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
  });

  it('wrapped: true with a plain secret ID is refused as "possible interception", unspent', async () => {
    await using w = await authWorld();
    const secretId = await w.app.plainSecretId();
    const config = await w.writeConfig('wrapped: true');

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(77);
    expect(errorMessage(result)).toMatch(interception);
    expect(w.paths()).not.toContain('sys/wrapping/unwrap');
    expect(w.paths()).not.toContain('auth/approle/login');
    expectNoSecrets(result, { secretId, roleId: w.app.roleId });
  });
});
