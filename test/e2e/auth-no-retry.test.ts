import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { authWorld, errorMessage, retried, whenStderrHas } from './auth-world.ts';
import { startGateProxy } from './gate-proxy.ts';
import { expectNoSecrets } from './run-keyturn.ts';

const count = (paths: string[], path: string) => paths.filter((p) => p === path).length;

describe('keyturn prestart: once-only calls are never retried after they may have reached Vault (SPEC §4)', () => {
  it.each([
    ['sys/wrapping/unwrap', 'unwrap', true],
    ['auth/approle/login', 'approle login', false],
  ])('a 500 on %s is not retried: one request, exit 69 saying so', async (path, call, wrapped) => {
    await using w = await authWorld();
    const secretId = wrapped ? await w.app.wrappedSecretId() : await w.app.plainSecretId();
    const config = await w.writeConfig(`wrapped: ${wrapped}`);
    w.vault.failNext(1, { status: 500, path, errors: ['internal error'] });

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(69);
    expect(errorMessage(result)).toMatch(/Not retried: the request reached Vault/);
    expect(count(w.paths(), path)).toBe(1);
    expect(retried(result, call)).toEqual([]);
    if (wrapped) expect(count(w.paths(), 'auth/approle/login')).toBe(0);
    expectNoSecrets(result, { secretId, roleId: w.app.roleId });
  });

  it('an unwrap whose answer never comes back (timeout after sending) exits 69, unwrapped once, no login', async () => {
    await using w = await authWorld();
    await using proxy = await startGateProxy(w.vault.addr, (path) =>
      path === 'sys/wrapping/unwrap' ? 'hold-answer' : 'forward',
    );
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig(
      'wrapped: true',
      'vault: { timeout: 1s, retry: { initial: 50ms, max: 100ms, give_up_after: 10s } }',
    );

    const result = await w.prestart(config, {
      env: { VAULT_ADDR: proxy.addr, VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.code).toBe(69);
    expect(errorMessage(result)).toMatch(/unwrap: .*no complete answer within 1000 ms/);
    expect(errorMessage(result)).toMatch(/Not retried: the request may have reached Vault/);
    expect(count(w.paths(), 'sys/wrapping/unwrap')).toBe(1);
    expect(count(w.paths(), 'auth/approle/login')).toBe(0);
    expect(retried(result, 'unwrap')).toEqual([]);
    // Why this matters: Vault did unwrap it, so a retry would have cried "interception".
    const lookup = await w.vault.request('POST', 'sys/wrapping/lookup', {
      body: { token: wrapped },
    });
    expect(lookup.status).toBe(400);
    expect(existsSync(w.out('token'))).toBe(false);
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
  });

  it('a login whose answer never comes back exits 69 after exactly one login', async () => {
    await using w = await authWorld({ role: { secret_id_num_uses: 1 } });
    await using proxy = await startGateProxy(w.vault.addr, (path) =>
      path === 'auth/approle/login' ? 'hold-answer' : 'forward',
    );
    const secretId = await w.app.plainSecretId();
    const config = await w.writeConfig(
      'wrapped: false',
      'vault: { timeout: 1s, retry: { initial: 50ms, max: 100ms, give_up_after: 10s } }',
    );

    const result = await w.prestart(config, {
      env: { VAULT_ADDR: proxy.addr, VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(69);
    expect(errorMessage(result)).toMatch(/approle login: .*no complete answer within 1000 ms/);
    expect(errorMessage(result)).toMatch(/Not retried: the request may have reached Vault/);
    expect(count(w.paths(), 'auth/approle/login')).toBe(1);
    expect(retried(result, 'approle login')).toEqual([]);
    // Vault spent the one-use secret ID: a retry would have been refused as "already used".
    const again = await w.vault.write(
      'auth/approle/login',
      { role_id: w.app.roleId, secret_id: secretId },
      null,
    );
    expect(again.status).toBe(400);
    expectNoSecrets(result, { secretId, roleId: w.app.roleId });
  });

  it('an unwrap refused before sending (connection refused) is retried and succeeds', async () => {
    await using w = await authWorld();
    // Vault answers the lookup, then the proxy stops listening: the unwrap cannot connect.
    await using proxy = await startGateProxy(w.vault.addr, (path) =>
      path === 'sys/wrapping/lookup' && count(w.paths(), 'sys/wrapping/lookup') === 0
        ? 'forward-then-refuse'
        : 'forward',
    );
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig(
      'wrapped: true',
      'vault: { timeout: 2s, retry: { initial: 50ms, max: 100ms, give_up_after: 10s } }',
    );

    const result = await w.prestart(config, {
      env: { VAULT_ADDR: proxy.addr, VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
      onStderr: whenStderrHas('unwrap failed; retrying', () => void proxy.listenAgain()),
    });

    expect(result.code).toBe(0);
    const warnings = retried(result, 'unwrap');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(String(warnings[0]?.error)).toMatch(/connection refused/);
    expect(count(w.paths(), 'sys/wrapping/unwrap')).toBe(1);
    expect(count(w.paths(), 'auth/approle/login')).toBe(1);
    const token = await w.expectFilesWritten();
    const [secretId] = w.loginSecretIds();
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId, token, secretId });
  });

  it('Vault down at start: the lookup is retried until Vault is back, then everything succeeds', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig(
      'wrapped: true',
      'vault: { timeout: 2s, retry: { initial: 50ms, max: 100ms, give_up_after: 10s } }',
    );
    await w.vault.stop();
    const before = w.vault.requests.length;

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
      onStderr: whenStderrHas('wrapping lookup failed; retrying', () => void w.vault.start()),
    });

    expect(result.code).toBe(0);
    expect(retried(result, 'wrapping lookup').length).toBeGreaterThanOrEqual(1);
    expect(w.paths(before).slice(0, 3)).toEqual([
      'sys/wrapping/lookup',
      'sys/wrapping/unwrap',
      'auth/approle/login',
    ]);
    const token = await w.expectFilesWritten();
    const [secretId] = w.loginSecretIds();
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId, token, secretId });
  });
});
