import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import { startVaultServer, tempDir } from './vault-fixture.ts';

const token = 'hvs.env-test-token-0123456789';
const secretId = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const roleId = 'role-id-env-0123456789';
const secrets = { token, secretId, roleId };

const errorLines = (result: RunResult) => logLines(result).filter((l) => l.level === 'error');

describe('Vault CLI environment variables', () => {
  it.each([
    [
      'VAULT_ADDR=not-a-url',
      { VAULT_ADDR: 'not-a-url' },
      ['VAULT_ADDR'],
      /http:\/\/ or https:\/\/ URL/,
    ],
    [
      'VAULT_ADDR=ftp://…',
      { VAULT_ADDR: 'ftp://vault:8200' },
      ['VAULT_ADDR'],
      /http:\/\/ or https:\/\//,
    ],
    [
      'VAULT_SKIP_VERIFY=yes',
      { VAULT_SKIP_VERIFY: 'yes' },
      ['VAULT_SKIP_VERIFY'],
      /a boolean as the Vault CLI reads it .*got "yes"/,
    ],
    [
      'a VAULT_TOKEN with a newline',
      { VAULT_TOKEN: `${token}\n` },
      ['VAULT_TOKEN'],
      /no whitespace or control characters \(value not shown\)/,
    ],
    [
      'several bad variables',
      { VAULT_ADDR: 'vault:8200', VAULT_SKIP_VERIFY: 'flase', VAULT_SECRET_ID: `${secretId} ` },
      ['VAULT_ADDR', 'VAULT_SKIP_VERIFY', 'VAULT_SECRET_ID'],
      /invalid environment/,
    ],
  ])('%s: exit 64 naming the variable, no stack, nothing sent', async (_label, bad, names, why) => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    for (const command of ['prestart', 'check']) {
      const result = await runKeyturn(
        [command, '--log-level', 'debug', '--secret', 'secret/app/db=out/db.json'],
        {
          cwd: dir.path,
          env: {
            VAULT_ADDR: vault.addr,
            VAULT_TOKEN: token,
            VAULT_ROLE_ID: roleId,
            VAULT_SECRET_ID: secretId,
            ...bad,
          },
        },
      );
      expect(result.code).toBe(64);
      const errors = errorLines(result);
      expect(errors).toHaveLength(1);
      for (const name of names) expect(errors[0]?.msg).toContain(`${name}:`);
      expect(errors[0]?.msg).toMatch(why);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expectNoSecrets(result, secrets);
    }
    expect(vault.requests).toEqual([]);
  });

  it('no VAULT_ADDR and no vault.address: exit 64 naming both', async () => {
    await using dir = await tempDir();
    const result = await runKeyturn(['prestart', '--secret', 'secret/app/db=out/db.json'], {
      cwd: dir.path,
      env: { VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId, VAULT_ADDR: '' },
    });
    expect(result.code).toBe(64);
    const message = String(errorLines(result)[0]?.msg);
    expect(message).toContain('VAULT_ADDR');
    expect(message).toContain('vault.address');
    expectNoSecrets(result, secrets);
  });

  it('VAULT_NAMESPACE (or vault.namespace) is sent as X-Vault-Namespace', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    // The test server models namespaces as path prefixes: ns1's KV v2 lives at ns1/secret/.
    await vault.write('sys/mounts/ns1/secret', { type: 'kv', options: { version: '2' } });
    await vault.write('ns1/secret/data/app/db', { data: { password: 'ns1-db-password' } });
    const config = join(dir.path, 'ns.yaml');
    await writeFile(
      config,
      'vault: { namespace: ns1 }\nsecrets: [{ path: secret/app/db, to: out/db.json, kv_version: 2 }]\n',
    );

    const setup = vault.requests.length;
    const viaEnv = await runKeyturn(
      ['check', '--log-level', 'debug', '--secret', 'secret/app/db=out/db.json'],
      {
        cwd: dir.path,
        env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken, VAULT_NAMESPACE: 'ns1' },
      },
    );
    const envRequests = vault.requests.slice(setup);
    const before = vault.requests.length;
    const viaFile = await runKeyturn(['check', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken },
    });

    for (const [result, requests] of [
      [viaEnv, envRequests],
      [viaFile, vault.requests.slice(before)],
    ] as const) {
      expect(result.code, result.stderr).toBe(0);
      // EXISTS yes: the read went to ns1/secret, which only the namespace header reaches.
      expect(result.stdout).toMatch(/^secret\/app\/db\s+yes\s+yes\b/m);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((r) => r.namespace !== 'ns1')).toEqual([]);
      expectNoSecrets(result, { ...secrets, root: vault.rootToken, password: 'ns1-db-password' });
    }
  });
});
