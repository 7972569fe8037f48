import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiKey, authWorld, errorMessage } from './auth-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';

// A retry loop that wrongly ran would still be inside this window when keyturn exits.
const patientVault =
  'vault: { timeout: 2s, retry: { initial: 50ms, max: 100ms, give_up_after: 30s } }';
const logins = (paths: string[]) => paths.filter((p) => p === 'auth/approle/login');

describe('keyturn prestart: a refused secret ID is final (SPEC §4)', () => {
  it('an unknown secret ID exits 77 after exactly one login, naming the likely causes', async () => {
    await using w = await authWorld();
    const secretId = randomUUID();
    const config = await w.writeConfig('wrapped: auto', patientVault);

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(77);
    const message = errorMessage(result);
    expect(message).toMatch(/AppRole login refused/);
    expect(message).toMatch(/already used/);
    expect(message).toMatch(/TTL passed/);
    expect(logins(w.paths())).toHaveLength(1);
    expect(result.stderr).not.toMatch(/retrying/);
    expect(existsSync(w.out('token'))).toBe(false);
    expectNoSecrets(result, { secretId, roleId: w.app.roleId });
  });

  it('a role ID that does not exist exits 77 after one login', async () => {
    await using w = await authWorld();
    const secretId = await w.app.plainSecretId();
    const roleId = randomUUID();
    const config = await w.writeConfig('wrapped: false', patientVault);

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(77);
    expect(errorMessage(result)).toMatch(/role ID does not belong/);
    expect(logins(w.paths())).toHaveLength(1);
    expectNoSecrets(result, { secretId, roleId, realRoleId: w.app.roleId });
  });

  it('a wrapped secret ID with a wrong role ID: 77 saying the wrapping token is spent and a new one is needed', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const roleId = randomUUID();
    const config = await w.writeConfig('wrapped: true', patientVault);

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.code).toBe(77);
    const message = errorMessage(result);
    expect(message).toMatch(/role ID does not belong to its role/);
    expect(message).toMatch(/wrapping token is now spent: .*ask the launcher for a new one/);
    expect(message).not.toMatch(/already used/); // it was just unwrapped: it was fresh
    expect(logins(w.paths())).toHaveLength(1);
    const lookup = await w.vault.request('POST', 'sys/wrapping/lookup', {
      body: { token: wrapped },
    });
    expect(lookup.status).toBe(400); // spent indeed
    const [secretId] = w.loginSecretIds();
    expectNoSecrets(result, { wrapped, secretId, roleId, realRoleId: w.app.roleId });
  });

  it('a secret ID with one use, used twice: the second start exits 77 and the first files stay', async () => {
    await using w = await authWorld({ role: { secret_id_num_uses: 1 } });
    const secretId = await w.app.plainSecretId();
    const config = await w.writeConfig('wrapped: false', patientVault);
    const env = { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId };

    const first = await w.prestart(config, { env });
    expect(first.code).toBe(0);
    const token = await w.expectFilesWritten();
    const before = w.vault.requests.length;

    const second = await w.prestart(config, { env });

    expect(second.code).toBe(77);
    expect(errorMessage(second)).toMatch(/one-time secret ID was already used/);
    expect(w.paths(before)).toEqual(['auth/approle/login']);
    expect((await readFile(w.out('token'), 'utf8')).trim()).toBe(token);
    expect(await readFile(w.out('api-key'), 'utf8')).toBe(apiKey);
    for (const result of [first, second]) {
      expectNoSecrets(result, { secretId, roleId: w.app.roleId, token, apiKey });
    }
  });

  it.each([
    ['the secret ID', {}, { cidr_list: ['10.0.0.0/8'] }],
    ['the role', { secret_id_bound_cidrs: ['10.0.0.0/8'] }, {}],
  ])(
    'a CIDR binding on %s that excludes this host exits 77 naming the binding',
    async (_what, role, create) => {
      await using w = await authWorld({ role });
      const response = await w.vault.write('auth/approle/role/app/secret-id', create);
      const secretId: string = response.body.data.secret_id;
      const config = await w.writeConfig('wrapped: false', patientVault);

      const result = await w.prestart(config, {
        env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: secretId },
      });

      expect(result.code).toBe(77);
      expect(errorMessage(result)).toMatch(/not allowed by the CIDR binding/);
      expect(logins(w.paths())).toHaveLength(1);
      expectNoSecrets(result, { secretId, roleId: w.app.roleId });
    },
  );
});
