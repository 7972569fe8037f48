import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authWorld, errorMessage } from './auth-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

const nobody = 65534;
const removed = 'removed the spent secret ID file';
const notRemoved = 'could not remove the spent secret ID file (remove_after_read)';

describe('keyturn prestart: where the role ID and secret ID come from (SPEC §4)', () => {
  it.each([
    ['role ID from env, secret ID from a file', 'env', 'file'],
    ['role ID from a file, secret ID literal', 'file', 'literal'],
    ['role ID literal, secret ID from env', 'literal', 'env'],
  ] as const)('%s', async (_name, roleFrom, secretFrom) => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const env: Record<string, string> = {};
    const source = async (kind: 'env' | 'file' | 'literal', name: string, value: string) => {
      if (kind === 'literal') return `"${value}"`;
      if (kind === 'env') {
        env[name] = value;
        return `{ env: ${name} }`;
      }
      const path = join(w.dir, name.toLowerCase());
      await writeFile(path, `${value}\n`, { mode: 0o400 });
      return `{ file: ${path} }`;
    };
    const roleId = await source(roleFrom, 'MY_ROLE', w.app.roleId);
    const secretId = await source(secretFrom, 'MY_SECRET', wrapped);
    const config = await w.writeConfig(`wrapped: true\nrole_id: ${roleId}\nsecret_id: ${secretId}`);

    const result = await w.prestart(config, { env });

    expect(result.code).toBe(0);
    const token = await w.expectFilesWritten();
    const [unwrapped] = w.loginSecretIds();
    expect(w.vault.requests.find((r) => r.path === 'auth/approle/login')?.body.role_id).toBe(
      w.app.roleId,
    );
    // Without remove_after_read a file stays where it is.
    if (secretFrom === 'file') expect(existsSync(join(w.dir, 'my_secret'))).toBe(true);
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId, token, unwrapped });
  });

  it('remove_after_read deletes the secret ID file after a successful login, not the role ID file', async () => {
    await using w = await authWorld();
    const secretId = await w.app.plainSecretId();
    const roleFile = join(w.dir, 'role-id');
    const secretFile = join(w.dir, 'secret-id');
    await writeFile(roleFile, w.app.roleId);
    await writeFile(secretFile, secretId, { mode: 0o600 });
    const config = await w.writeConfig(
      `wrapped: false\nrole_id: { file: ${roleFile} }\n` +
        `secret_id: { file: ${secretFile}, remove_after_read: true }`,
    );

    const result = await w.prestart(config);

    expect(result.code).toBe(0);
    const token = await w.expectFilesWritten();
    expect(existsSync(secretFile)).toBe(false);
    expect(existsSync(roleFile)).toBe(true);
    expect(logLines(result).filter((l) => l.msg === removed)).toHaveLength(1);
    expectNoSecrets(result, { secretId, roleId: w.app.roleId, token });
  });

  it('remove_after_read keeps the file when the login is refused', async () => {
    await using w = await authWorld();
    const secretId = randomUUID();
    const secretFile = join(w.dir, 'secret-id');
    await writeFile(secretFile, secretId, { mode: 0o600 });
    const config = await w.writeConfig(
      `wrapped: false\nsecret_id: { file: ${secretFile}, remove_after_read: true }`,
    );

    const result = await w.prestart(config, { env: { VAULT_ROLE_ID: w.app.roleId } });

    expect(result.code).toBe(77);
    expect(await readFile(secretFile, 'utf8')).toBe(secretId);
    expect(result.stderr).not.toContain(removed);
    expectNoSecrets(result, { secretId, roleId: w.app.roleId });
  });

  it('remove_after_read on a read-only directory warns once and still exits 0', async () => {
    await using w = await authWorld();
    const secretId = await w.app.plainSecretId();
    // keyturn runs as nobody: it may read the mounted secret but not unlink it.
    await chmod(w.dir, 0o755);
    const mount = join(w.dir, 'mounted');
    await mkdir(mount);
    const secretFile = join(mount, 'secret-id');
    await writeFile(secretFile, secretId, { mode: 0o444 });
    await chmod(mount, 0o555);
    await mkdir(join(w.dir, 'out'), { mode: 0o700 });
    await chown(join(w.dir, 'out'), nobody, nobody);
    const config = await w.writeConfig(
      `wrapped: false\nsecret_id: { file: ${secretFile}, remove_after_read: true }`,
    );

    const result = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId },
      uid: nobody,
      gid: nobody,
    });

    expect(result.code).toBe(0);
    const token = await w.expectFilesWritten();
    expect(await readFile(secretFile, 'utf8')).toBe(secretId);
    const warnings = logLines(result).filter((l) => l.msg === notRemoved);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.code).toBe('EACCES');
    expect(warnings[0]?.path).toBe(secretFile);
    expectNoSecrets(result, { secretId, roleId: w.app.roleId, token });
  });

  it.each([
    [
      'an unset environment variable',
      'secret_id: { env: MISSING_SECRET_ID }',
      /MISSING_SECRET_ID is not set/,
    ],
    [
      'a missing file',
      'secret_id: { file: /nonexistent/secret-id }',
      /\/nonexistent\/secret-id \(ENOENT\)/,
    ],
  ])(
    '%s as the secret ID source exits 64 naming it, before any Vault call',
    async (_name, line, message) => {
      await using w = await authWorld();
      const config = await w.writeConfig(`wrapped: auto\n${line}`);
      const before = w.vault.requests.length;

      const result = await w.prestart(config, { env: { VAULT_ROLE_ID: w.app.roleId } });

      expect(result.code).toBe(64);
      expect(errorMessage(result)).toMatch(message);
      expect(w.vault.requests.length).toBe(before);
      expectNoSecrets(result, { roleId: w.app.roleId });
    },
  );
});
