import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import { setupApp, startVaultServer, tempDir, type VaultServer } from './vault-fixture.ts';

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const fast = 'vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 2s } }';

const errorMessage = (result: RunResult) =>
  String(logLines(result).find((l) => l.level === 'error')?.msg);

async function world(vault: VaultServer) {
  const app = await setupApp(vault);
  await vault.write('secret/data/app/db', {
    data: { username: 'sources-user', password: 's3cr3t-db-pw' },
  });
  await vault.write('secret/data/app/api', { data: { key: 'api-key-sources-42' } });
  return app;
}

describe('where the configuration comes from', () => {
  it('honours --config, then KEYTURN_CONFIG, then ./keyturn.yaml in the working directory', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await world(vault);
    // Three configs that write to three different files: the one written says which was used.
    const write = (name: string, to: string) =>
      writeFile(
        join(dir.path, name),
        `${fast}\nsecrets: [{ path: secret/app/api, field: key, to: ${to} }]\n`,
      );
    await mkdir(join(dir.path, 'work'));
    await write('work/keyturn.yaml', 'from-default');
    await write('env.yaml', 'from-env');
    await write('flag.yaml', 'from-flag');
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const secretId = await app.plainSecretId();
      const result = await runKeyturn(['prestart', ...args], {
        cwd: join(dir.path, 'work'),
        env: {
          VAULT_ADDR: vault.addr,
          VAULT_ROLE_ID: app.roleId,
          VAULT_SECRET_ID: secretId,
          ...extra,
        },
      });
      expectNoSecrets(result, { secretId, roleId: app.roleId, key: 'api-key-sources-42' });
      return result;
    };
    const written = (name: string) =>
      readFile(join(dir.path, 'work', name), 'utf8').catch(() => undefined);

    expect((await run([])).code).toBe(0);
    expect(await written('from-default')).toBe('api-key-sources-42');

    expect((await run([], { KEYTURN_CONFIG: '../env.yaml' })).code).toBe(0);
    expect(await written('from-env')).toBe('api-key-sources-42');

    expect((await run(['--config', '../flag.yaml'], { KEYTURN_CONFIG: '../env.yaml' })).code).toBe(
      0,
    );
    expect(await written('from-flag')).toBe('api-key-sources-42');
    expect(await mode(join(dir.path, 'work', 'from-flag'))).toBe(0o400);
  });

  it('no config file and no --secret: exit 64 saying how to give one, nothing sent', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const secretId = '5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b';
    for (const command of ['prestart', 'check']) {
      const result = await runKeyturn([command, '--log-level', 'debug'], {
        cwd: dir.path,
        env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: 'role-id-none', VAULT_SECRET_ID: secretId },
      });
      expect(result.code).toBe(64);
      const message = errorMessage(result);
      expect(message).toContain(join(dir.path, 'keyturn.yaml'));
      expect(message).toMatch(/--config/);
      expect(message).toMatch(/KEYTURN_CONFIG/);
      expect(message).toMatch(/--secret/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expectNoSecrets(result, { secretId, roleId: 'role-id-none' });
    }
    // A config named explicitly but missing is an error too (not a silent fall-back).
    const named = await runKeyturn(['prestart', '--secret', 'secret/a=out/a'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, KEYTURN_CONFIG: 'nope.yaml', VAULT_SECRET_ID: secretId },
    });
    expect(named.code).toBe(64);
    expect(errorMessage(named)).toContain('nope.yaml');
    expectNoSecrets(named, { secretId });
    expect(vault.requests).toEqual([]);
  });

  it('zero-config: --secret flags write json and raw files with VAULT_ROLE_ID/VAULT_SECRET_ID', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await world(vault);
    const secretId = await app.plainSecretId();
    const result = await runKeyturn(
      [
        'prestart',
        '--log-level',
        'debug',
        '--secret',
        'secret/app/db=out/db.json',
        '--secret',
        'secret/app/api=out/key:key',
      ],
      {
        cwd: dir.path,
        env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir.path, 'out/db.json'), 'utf8'))).toEqual({
      username: 'sources-user',
      password: 's3cr3t-db-pw',
    });
    expect(await readFile(join(dir.path, 'out/key'), 'utf8')).toBe('api-key-sources-42');
    expect(await mode(join(dir.path, 'out/db.json'))).toBe(0o400);
    expect(await mode(join(dir.path, 'out/key'))).toBe(0o400);
    expect(vault.requests.filter((r) => r.path === 'auth/approle/login')).toHaveLength(1);
    expect(logLines(result).some((l) => l.level === 'debug')).toBe(true);
    expectNoSecrets(result, {
      secretId,
      roleId: app.roleId,
      password: 's3cr3t-db-pw',
      key: 'api-key-sources-42',
    });
  });

  it.each([
    ['no =', 'secret/app/db'],
    ['no path', '=out/db.json'],
    ['no file', 'secret/app/db='],
  ])('a malformed --secret (%s) exits 64 naming the flag, nothing sent', async (_label, flag) => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const secretId = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
    const result = await runKeyturn(
      ['prestart', '--secret', 'secret/app/api=out/key:key', '--secret', flag],
      {
        cwd: dir.path,
        env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: 'role-id-flags', VAULT_SECRET_ID: secretId },
      },
    );
    expect(result.code).toBe(64);
    expect(errorMessage(result)).toContain(`--secret ${flag}`);
    expect(errorMessage(result)).toContain('PATH=FILE');
    expect(vault.requests).toEqual([]);
    expectNoSecrets(result, { secretId, roleId: 'role-id-flags' });
  });
});
