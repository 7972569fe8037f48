import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import { startVaultServer, tempDir } from './vault-fixture.ts';

const roleId = 'role-id-config-0123456789';
const secretId = '0d7a3c51-96e2-4b8f-a1c4-5e6f7a8b9c0d';
const env = { VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId };

/** The one error line keyturn logs for a bad configuration. */
function errorMessage(result: RunResult): string {
  const errors = logLines(result).filter((l) => l.level === 'error');
  expect(errors, result.stderr).toHaveLength(1);
  return String(errors[0]?.msg);
}

/** Every `file:line:column: path: message` line of a ConfigError. */
const problemLines = (message: string, file: string) =>
  message.split('\n').filter((line) => line.trim().startsWith(`${file}:`));

// Five mistakes of different kinds: two schema ones, a bad mode, two cross-field rules.
const badConfig = (addr: string) => `vault:
  address: ${addr}
  timeout: 10 seconds
auth:
  approle:
    mount: approle
    colour: blue
secrets:
  - { path: secret/app/a, to: out/a, mode: "0999" }
  - { path: secret/app/b, to: out/a }
certs:
  - { mount: pki, role: web, common_name: a.service.consul, cert: out/c.pem, key: out/k.pem, key_mode: "0644" }
`;

describe('configuration validation', () => {
  it('prestart reports every problem with file:line:column and sends no request at all', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const file = join(dir.path, 'keyturn.yaml');
    await writeFile(file, badConfig(vault.addr));

    const result = await runKeyturn(['prestart', '--config', file, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { ...env, VAULT_ADDR: vault.addr },
    });

    expect(result.code).toBe(64);
    const message = errorMessage(result);
    const lines = problemLines(message, file);
    expect(lines).toEqual([
      expect.stringMatching(/:3:12: vault\.timeout: .*duration/),
      expect.stringMatching(/:7:5: auth\.approle\.colour: unknown key/),
      expect.stringMatching(/:9:44: secrets\[0\]\.mode: .*octal/),
      expect.stringMatching(/:10:31: secrets\[1\]\.to: out\/a is already written by secrets\[0\]/),
      expect.stringMatching(/:12:\d+: certs\[0\]\.key_mode: 0644 is too wide for the private key/),
    ]);
    expect(message).toContain('(5 problems)');
    expect(vault.requests).toEqual([]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expectNoSecrets(result, { roleId, secretId });
  });

  it('config check: 0 for a good file, 64 with every problem for a bad one', async () => {
    await using dir = await tempDir();
    const good = join(dir.path, 'good.yaml');
    const bad = join(dir.path, 'bad.yaml');
    await writeFile(
      good,
      `vault: { address: https://vault.example:8200, timeout: 2s, retry: { initial: 50ms } }
auth: { approle: { secret_id: { file: /run/secret-id, remove_after_read: true } } }
defaults: { mode: "0440", refresh: 1h30m }
secrets:
  - { path: secret/app/db, format: env, to: /run/secrets/db.env }
  - { path: database/creds/app, format: json, to: /run/secrets/creds.json, on_change: { signal: SIGHUP, pid_file: /run/app.pid } }
certs:
  - { mount: pki, role: web, common_name: app.service.consul, ttl: 72h, cert: /run/tls/cert.pem, key: /run/tls/key.pem, ca: /run/tls/ca.pem, mode: "0400" }
`,
    );
    await writeFile(bad, badConfig('http://127.0.0.1:9'));

    const ok = await runKeyturn(['config', 'check', good], { cwd: dir.path, env });
    expect(ok.code).toBe(0);
    const valid = logLines(ok).find((l) => l.msg === 'configuration is valid');
    expect(valid).toMatchObject({ file: good, secrets: 2, certs: 1 });

    const ko = await runKeyturn(['config', 'check', 'bad.yaml'], { cwd: dir.path, env });
    expect(ko.code).toBe(64);
    expect(problemLines(errorMessage(ko), bad)).toHaveLength(5);
    expectNoSecrets(ok, { roleId, secretId });
    expectNoSecrets(ko, { roleId, secretId });
  });

  it('config schema prints a strict JSON Schema with descriptions', async () => {
    const result = await runKeyturn(['config', 'schema'], { env });
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'vault',
        'auth',
        'token',
        'defaults',
        'secrets',
        'certs',
        'templates',
      ]),
    );
    // Every object with named properties rejects unknown keys, so editors flag typos too.
    const objects: Record<string, unknown>[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.type === 'object' && record.properties) objects.push(record);
      for (const child of Object.values(record)) walk(child);
    };
    walk(schema);
    expect(objects.length).toBeGreaterThan(8);
    expect(objects.filter((o) => o.additionalProperties !== false)).toEqual([]);
    expect(schema.properties.vault.description).toBeTruthy();
    expect(schema.properties.secrets.items.properties.to.description).toBeTruthy();
    expect(schema.properties.vault.properties.timeout.description).toBeTruthy();
    expectNoSecrets(result, { roleId, secretId });
  });

  const literal = 'b7e4f0d2-3a19-4c6e-8f27-90ab1cd2e3f4';
  it.each([
    ['a literal secret_id under an unknown key', `secret_id: { env: X, value: "${literal}" }`],
    ['a literal secret_id in a list', `secret_id: ["${literal}"]`],
    ['a literal secret_id repeated', `secret_id: "${literal}"\n    secret_id: "${literal}"`],
    ['a literal secret_id beside a type error', `secret_id: "${literal}"\n    wrapped: 7`],
    // Braces around a value make it a one-key map: the secret ID becomes a key.
    ['a literal secret_id in braces', `secret_id: {${literal}}`],
    ['a literal secret_id with a syntax error', `secret_id: "${literal}\n  bad: [`],
    ['a literal role_id with a type error', `role_id: { file: 1, env: "${literal}" }`],
  ])('%s never appears in the output', async (_label, approle) => {
    await using dir = await tempDir();
    const file = join(dir.path, 'keyturn.yaml');
    await writeFile(
      file,
      `vault: { address: http://127.0.0.1:9 }\nauth:\n  approle:\n    ${approle}\nsecrets: [{ path: kv/a, to: a }]\n`,
    );
    for (const args of [
      ['config', 'check', file, '--log-level', 'debug'],
      ['prestart', '--config', file, '--log-level', 'debug'],
    ]) {
      const result = await runKeyturn(args, { cwd: dir.path, env });
      expect(result.code).toBe(64);
      expect(errorMessage(result)).toContain(`${file}:`);
      expectNoSecrets(result, { literal, roleId, secretId });
    }
  });
});
