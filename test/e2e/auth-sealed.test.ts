import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { authWorld, errorMessage, retried, whenStderrHas } from './auth-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';

const slowGiveUp =
  'vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 20s } }';

describe('keyturn prestart: a sealed or rate-limiting Vault processed nothing, so once-calls are retried (SPEC §4)', () => {
  it('sealed between the wrapping lookup and the unwrap, then unsealed: exit 0, unwrapped and logged in once', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: true', slowGiveUp);
    // The server runs in this process: the seal lands before keyturn can send its unwrap.
    const sealed = w.vault
      .waitFor((r) => r.path === 'sys/wrapping/lookup' && r.status === 200, { timeoutMs: 15_000 })
      .then(() => w.vault.seal());

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
      onStderr: whenStderrHas('unwrap failed; retrying', () => w.vault.unseal()),
    });
    await sealed;

    expect(result.code, result.stderr).toBe(0);
    expect(String(retried(result, 'unwrap')[0]?.error)).toMatch(/503: Vault is sealed/);
    const unwraps = w.vault.requests.filter((r) => r.path === 'sys/wrapping/unwrap');
    expect(unwraps.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(1);
    expect(unwraps.filter((r) => r.status === 200)).toHaveLength(1);
    expect(w.vault.requests.filter((r) => r.path === 'auth/approle/login')).toHaveLength(1);
    const token = await w.expectFilesWritten();
    const [secretId] = w.loginSecretIds();
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId, token, secretId });
  });

  it('sealed past give_up_after: 69 after retrying, and the wrapping token is still unspent', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig(
      'wrapped: true',
      'vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 1s } }',
    );
    const sealed = w.vault
      .waitFor((r) => r.path === 'sys/wrapping/lookup' && r.status === 200, { timeoutMs: 15_000 })
      .then(() => w.vault.seal());

    const failed = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });
    await sealed;

    expect(failed.code).toBe(69);
    expect(retried(failed, 'unwrap').length).toBeGreaterThanOrEqual(1);
    const unwraps = w.vault.requests.filter((r) => r.path === 'sys/wrapping/unwrap');
    expect(unwraps.length).toBeGreaterThanOrEqual(2);
    expect(unwraps.every((r) => r.status === 503)).toBe(true);
    expect(errorMessage(failed)).toMatch(/unwrap: gave up after .*nothing was spent/);
    expect(existsSync(w.out('api-key'))).toBe(false);

    // Vault is back: the same wrapping token still works, because nothing was unwrapped.
    w.vault.unseal();
    const again = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });
    expect(again.code, again.stderr).toBe(0);
    const token = await w.expectFilesWritten();
    const [secretId] = w.loginSecretIds();
    for (const run of [failed, again]) {
      expectNoSecrets(run, { wrapped, roleId: w.app.roleId, token, secretId });
    }
  });

  it('a one-use plain secret ID: a sealed Vault, then 429s on the login, are waited out; one login succeeds', async () => {
    await using w = await authWorld({ role: { secret_id_num_uses: 1 } });
    const secretId = await w.app.plainSecretId();
    const config = await w.writeConfig('wrapped: false', slowGiveUp);
    w.vault.seal();
    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId },
      onStderr: whenStderrHas('approle login failed; retrying', () => {
        w.vault.failNext(2, {
          status: 429,
          path: 'auth/approle/login',
          errors: ['request path "auth/approle/login": rate limit quota exceeded'],
          retryAfterSeconds: 0,
        });
        w.vault.unseal();
      }),
    });

    expect(result.code, result.stderr).toBe(0);
    const statuses = w.vault.requests
      .filter((r) => r.path === 'auth/approle/login')
      .map((r) => r.status);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses).toContain(503);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const token = await w.expectFilesWritten();
    expectNoSecrets(result, { secretId, roleId: w.app.roleId, token });
  });
});
