import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import { setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const password = 'logs-db-password-31';
const apiKey = 'logs-api-key-0042';

/** A zero-config prestart of two secrets; the flags under test go before the command. */
async function prestart(flags: string[]) {
  await using vault = await startVaultServer();
  await using dir = await tempDir();
  const app = await setupApp(vault);
  await vault.write('secret/data/app/db', { data: { username: 'logs-user', password } });
  await vault.write('secret/data/app/api', { data: { key: apiKey } });
  const secretId = await app.wrappedSecretId();
  const result = await runKeyturn(
    [
      ...flags,
      'prestart',
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
  const login = vault.requests.find((r) => r.path === 'auth/approle/login');
  const unwrap = vault.requests.find((r) => r.path === 'sys/wrapping/unwrap');
  expect(login?.status).toBe(200);
  expectNoSecrets(result, {
    wrapped: secretId,
    secretId: String(login?.body.secret_id),
    roleId: app.roleId,
    password,
    apiKey,
  });
  return { result, unwrapped: unwrap !== undefined };
}

const nonEmptyLines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe('log output (SPEC §8)', () => {
  it('--log-format json: every stderr line is one JSON object with time, level and msg', async () => {
    const { result, unwrapped } = await prestart(['--log-format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(unwrapped).toBe(true);
    const lines = nonEmptyLines(result.stderr);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(typeof entry.msg).toBe('string');
      expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
      expect(['info', 'warn', 'error', 'debug', 'trace', 'fatal']).toContain(entry.level);
    }
    // info by default: no debug lines.
    expect(logLines(result).filter((l) => l.level === 'debug')).toEqual([]);
    expect(result.stdout).toBe('');
  });

  it('--log-level debug adds debug lines, still without a secret', async () => {
    const { result } = await prestart(['--log-level', 'debug']);
    expect(result.code, result.stderr).toBe(0);
    const debug = logLines(result).filter((l) => l.level === 'debug');
    expect(debug.length).toBeGreaterThan(0);
    // The debug lines trace the Vault calls, by path only.
    expect(debug.some((l) => l.path === 'auth/approle/login')).toBe(true);
  });

  it('--log-format pretty prints readable lines, not JSON', async () => {
    const { result } = await prestart(['--log-format', 'pretty']);
    expect(result.code, result.stderr).toBe(0);
    const lines = nonEmptyLines(result.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.trim().startsWith('{'))).toEqual([]);
    expect(result.stderr).toMatch(/INFO/);
    expect(result.stderr).toContain('prestart complete');
  });
});

describe('redaction keeps every log line valid JSON (issue 12, Medium 5)', () => {
  it('masks secret values inside values only: level, time and keys stay, hostile values cannot break a line', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await setupApp(vault);
    const hostile = { LOG_LEVEL: 'info', YEAR: '2026', EVIL: '","msg', QUOTE: '"}{' };
    await vault.write('secret/data/app/env', { data: hostile });
    const secretId = await app.wrappedSecretId();
    const result = await runKeyturn(
      ['--log-level', 'debug', 'prestart', '--secret', 'secret/app/env=out/env.json'],
      {
        cwd: dir.path,
        env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const lines = nonEmptyLines(result.stderr);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(['info', 'warn', 'error', 'debug', 'trace', 'fatal']).toContain(entry.level);
      expect(entry.time).toMatch(/^2\d{3}-\d\d-\d\dT/);
      expect(String(entry.time)).not.toContain('[REDACTED]');
    }
    expect(logLines(result).some((l) => l.msg === 'prestart complete')).toBe(true);
  });

  it('masks a credential of three characters (`invalid secret id: abc`)', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await setupApp(vault);
    const result = await runKeyturn(['prestart', '--secret', 'secret/app/x=out/x'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: 'q7z' },
    });
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBe(70);
    for (const line of nonEmptyLines(result.stderr)) JSON.parse(line);
    expectNoSecrets(result, { secretId: 'q7z', roleId: app.roleId });
  });
});
