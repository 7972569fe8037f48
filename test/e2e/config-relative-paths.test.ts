import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import { setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const errorOf = (result: RunResult) =>
  String(logLines(result).find((line) => line.level === 'error')?.msg);

describe('relative paths resolve against the working directory, and errors say so', () => {
  it('a template beside the config file, named relatively, is looked for in the working directory: 64 saying why', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await setupApp(vault);
    await mkdir(join(dir.path, 'etc'));
    await writeFile(join(dir.path, 'etc', 'app.tmpl'), 'x={{secrets.api.key}}\n');
    const config = join(dir.path, 'etc', 'keyturn.yaml');
    await writeFile(config, 'templates:\n  - { source: app.tmpl, to: out/app.ini }\n');
    const secretId = await app.wrappedSecretId();
    const before = vault.requests.length;

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(64);
    expect(errorOf(result)).toContain(`cannot read template ${join(dir.path, 'app.tmpl')}`);
    expect(errorOf(result)).toContain(
      `(\`app.tmpl\` is a relative path: relative paths resolve against the working directory ${dir.path}, not the config file's directory)`,
    );
    expect(vault.requests.slice(before)).toEqual([]); // checked before the secret ID is spent
    expectNoSecrets(result, { secretId, roleId: app.roleId });
  });

  it('a --secret FILE under a regular file: 73 naming the relative path and the working directory', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await setupApp(vault);
    await writeFile(join(dir.path, 'blocker'), 'not a directory\n');
    const secretId = await app.wrappedSecretId();

    const result = await runKeyturn(['prestart', '--secret', 'secret/app/db=blocker/db.json'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });

    expect(result.code).toBe(73);
    expect(errorOf(result)).toContain(
      `(\`blocker/db.json\` is a relative path: relative paths resolve against the working directory ${dir.path}`,
    );
    expectNoSecrets(result, { secretId, roleId: app.roleId });
  });
});
