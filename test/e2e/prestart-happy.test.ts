import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('keyturn prestart: the main job', () => {
  it('unwraps, logs in, and writes secrets, a dynamic secret and a certificate with their modes', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault);
    await vault.write('secret/data/app/db', {
      data: { username: 'app-db-user', password: "pa$$'w0rd" },
    });
    await vault.write('kv/app/api', { key: 'api-key-0123456789' });
    const wrapped = await app.wrappedSecretId();
    const config = join(dir.path, 'keyturn.yaml');
    await writeFile(
      config,
      `
auth:
  approle:
    wrapped: true
    expected_creation_path: auth/approle/role/app/secret-id
token:
  sink: { path: out/token, mode: "0400" }
secrets:
  - { path: secret/app/db, format: env, to: out/db.env, mode: "0440", name: db }
  - { path: kv/app/api, field: key, to: out/api-key, name: api }
  - { path: database/creds/app, format: json, to: out/creds.json }
certs:
  - { mount: pki, role: web, common_name: app.service.consul, ip_sans: [127.0.0.1], ttl: 1h,
      cert: out/tls/cert.pem, key: out/tls/key.pem, ca: out/tls/ca.pem, bundle: out/tls/bundle.pem }
templates:
  - { source: app.tmpl, to: out/app.ini }
`,
    );
    await writeFile(
      join(dir.path, 'app.tmpl'),
      'user={{secrets.db.username}}\nkey={{secrets.api.key}}\n',
    );

    const result = await runKeyturn(['prestart', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: wrapped },
    });

    expect(result.stderr).not.toMatch(/"level":"error"/);
    expect(result.code).toBe(0);
    const out = (name: string) => join(dir.path, 'out', name);
    expect(await readFile(out('db.env'), 'utf8')).toBe(
      "export password='pa$$'\\''w0rd'\nexport username='app-db-user'\n",
    );
    expect(await mode(out('db.env'))).toBe(0o440);
    expect(await readFile(out('api-key'), 'utf8')).toBe('api-key-0123456789');
    expect(await readFile(out('app.ini'), 'utf8')).toBe(
      'user=app-db-user\nkey=api-key-0123456789\n',
    );
    const creds = JSON.parse(await readFile(out('creds.json'), 'utf8'));
    expect(creds.username).toMatch(/^v-/);
    const cert = await readFile(out('tls/cert.pem'), 'utf8');
    const key = await readFile(out('tls/key.pem'), 'utf8');
    const { X509Certificate, createPrivateKey } = await import('node:crypto');
    const x509 = new X509Certificate(cert);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.subject).toContain('CN=app.service.consul');
    expect(
      x509.verify(new X509Certificate(await readFile(out('tls/ca.pem'), 'utf8')).publicKey),
    ).toBe(true);
    for (const f of [
      'tls/cert.pem',
      'tls/key.pem',
      'tls/ca.pem',
      'tls/bundle.pem',
      'token',
      'api-key',
      'app.ini',
    ]) {
      expect(await mode(out(f)), f).toBe(0o400);
    }
    expect(await mode(join(dir.path, 'out'))).toBe(0o700);
    const token = (await readFile(out('token'), 'utf8')).trim();
    expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(200);

    // The wrapping token was looked up before it was spent, exactly once each.
    const calls = vault.requests.map((r) => r.path);
    expect(calls.indexOf('sys/wrapping/lookup')).toBeLessThan(calls.indexOf('sys/wrapping/unwrap'));
    expect(calls.filter((p) => p === 'sys/wrapping/unwrap')).toHaveLength(1);
    expect(calls.filter((p) => p.startsWith('sys/internal/ui/mounts/'))).toHaveLength(3);
    expect(logLines(result).some((l) => l.msg === 'prestart complete')).toBe(true);
    expectNoSecrets(result, {
      wrapped,
      roleId: app.roleId,
      token,
      password: "pa$$'w0rd",
      apiKey: 'api-key-0123456789',
      dbPassword: creds.password,
      key,
    });
  });
});
