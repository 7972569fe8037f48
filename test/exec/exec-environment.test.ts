import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configStateDir } from '../e2e/config-state-dir.ts';
import { expectNoSecrets, logLines, runKeyturn } from '../e2e/run-keyturn.ts';
import { execWorld, fixture } from './exec-world.ts';

describe('keyturn exec: the child environment', () => {
  it("gives the child its env: fields and keyturn's environment minus VAULT_*, exits with its code, and stops renewal (revoking) when it exits", async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'api-key-value-1', other: 'unmapped-value-1' });
    await world.kv('db', { password: 'db-password-1', role: 'mapped-vault-var-1' });
    const config = await world.config(`
token: { sink: { path: out/token }, revoke_on_exit: true }
secrets:
  - { path: secret/app/api, env: { API_KEY: key } }
  - { path: secret/app/db, format: json, to: out/db.json, env: { DB_PASSWORD: password, VAULT_APP_ROLE: role } }
`);
    const env = await world.env({
      VAULT_TOKEN: 'hvs.outer-token-not-for-the-child',
      VAULT_FORMAT: 'json',
      KEEP_ME: 'kept',
    });
    const result = await runKeyturn(
      [
        'exec',
        '--config',
        config,
        '--',
        ...fixture('print-env.mjs', 'starts.jsonl', '--exit', '7'),
      ],
      { cwd: world.dir, env },
    );

    expect(result.code, result.stderr).toBe(7);
    const [start, ...more] = await world.starts('starts.jsonl');
    expect(more).toEqual([]);
    const childEnv = start?.env ?? {};
    expect(childEnv).toMatchObject({
      API_KEY: 'api-key-value-1',
      DB_PASSWORD: 'db-password-1',
      VAULT_APP_ROLE: 'mapped-vault-var-1',
      KEEP_ME: 'kept',
    });
    // Only the VAULT_* variable a mapping names; not a single value keyturn learned.
    expect(Object.keys(childEnv).filter((key) => key.startsWith('VAULT_'))).toEqual([
      'VAULT_APP_ROLE',
    ]);
    const token = (await readFile(join(world.dir, 'out', 'token'), 'utf8')).trim();
    const envText = JSON.stringify(childEnv);
    for (const value of [token, env.VAULT_SECRET_ID, world.app.roleId, 'unmapped-value-1']) {
      expect(envText).not.toContain(value);
    }
    expect(JSON.parse(await readFile(join(world.dir, 'out', 'db.json'), 'utf8')).password).toBe(
      'db-password-1',
    );
    // The child exited on its own: renewal stopped and revoke_on_exit revoked the token.
    expect((await world.vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(
      403,
    );
    const state = JSON.parse(
      await readFile(join(await configStateDir(join(world.dir, 'state')), 'state.json'), 'utf8'),
    );
    expect(state.mode).toBe('exec');
    expect(logLines(result).some((line) => line.msg === 'child started')).toBe(true);
    expectNoSecrets(result, {
      token,
      wrapped: env.VAULT_SECRET_ID,
      api: 'api-key-value-1',
      other: 'unmapped-value-1',
      db: 'db-password-1',
      role: 'mapped-vault-var-1',
    });
  });

  it('refuses (65) a mapping to a field the secret lacks, naming it, before any child starts', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'api-key-value-2' });
    const config = await world.config(`
secrets:
  - { path: secret/app/api, env: { API_KEY: kee } }
`);
    const env = await world.env();
    const result = await runKeyturn(
      ['exec', '--config', config, '--', ...fixture('print-env.mjs', 'starts.jsonl')],
      { cwd: world.dir, env },
    );
    expect(result.code, result.stderr).toBe(65);
    expect(logLines(result).map((line) => line.msg)).toContain(
      'secret/app/api has no field "kee" (env: API_KEY); it has: key',
    );
    expect(await world.starts('starts.jsonl')).toEqual([]);
    expect(world.vault.requests.some((r) => r.path === 'auth/token/revoke-self')).toBe(true);
    expectNoSecrets(result, { wrapped: env.VAULT_SECRET_ID, api: 'api-key-value-2' });
  });

  it('exits 127 when the command does not exist, and 64 without a command', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'api-key-value-3' });
    const config = await world.config(`
secrets:
  - { path: secret/app/api, env: { API_KEY: key } }
`);
    const missing = await runKeyturn(
      ['exec', '--config', config, '--', join(world.dir, 'no-such-program')],
      { cwd: world.dir, env: await world.env() },
    );
    expect(missing.code, missing.stderr).toBe(127);
    expect(missing.stderr).toContain('no-such-program was not found');

    const none = await runKeyturn(['exec', '--config', config], {
      cwd: world.dir,
      env: await world.env(),
    });
    expect(none.code).toBe(64);
    expect(none.stderr).not.toContain('    at ');
    expectNoSecrets(missing, { api: 'api-key-value-3' });
  });
});
