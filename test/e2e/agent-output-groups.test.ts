import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { msg, startKeyturn } from './agent-process.ts';
import { eventually, textOf, writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets, runKeyturn } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const serialOf = async (path: string) =>
  new X509Certificate(await readFile(path, 'utf8')).serialNumber;

describe('keyturn agent: each output group is rendered, written and judged on its own (SPEC §6)', () => {
  it('a template whose key vanished fails alone: the certificate still rotates, status names the template, the next cycle heals it', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    await vault.write('pki/roles/web', {
      allowed_domains: ['service.consul'],
      allow_subdomains: true,
      key_type: 'ec',
      ttl: '4s',
      not_before_duration: '0s',
    });
    await vault.write('secret/data/app/db', {
      data: { username: 'db-user-one', password: 'db-pass-first-91' },
    });
    const app = await setupApp(vault, { token_ttl: '1m' });
    const secretId = await app.plainSecretId();
    await writeFile(join(dir.path, 'app.tmpl'), 'user={{secrets.db.username}}\n');
    const config = await writeAgentConfig(
      dir.path,
      `
secrets:
  - { path: secret/app/db, name: db, format: json, to: out/db.json, refresh: 1s }
templates:
  - { source: app.tmpl, to: out/app.ini }
certs:
  - { mount: pki, role: web, common_name: app.service.consul, cert: out/cert.pem, key: out/key.pem, renew_at: 0.5 }
`,
    );
    const env = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId };
    await using agent = startKeyturn(['agent', '--config', config], { cwd: dir.path, env });
    await agent.waitForLog(msg('renewing'));
    const out = (name: string) => join(dir.path, 'out', name);
    expect(await textOf(out('app.ini'))).toBe('user=db-user-one\n');
    const firstSerial = await serialOf(out('cert.pem'));
    const status = () => runKeyturn(['status', '--config', config], { cwd: dir.path });

    // The field the template uses is removed from KV: the next refresh cannot render it.
    await vault.write('secret/data/app/db', { data: { password: 'db-pass-second-92' } });
    const failure = await agent.waitForLog(msg('could not write template'));
    expect(failure.level).toBe('error');
    expect(String(failure.msg)).toMatch(/username/);
    // The other groups go on: the secret's own file is rewritten, the certificate rotates.
    await eventually(
      () => textOf(out('db.json')),
      (text) => text.includes('db-pass-second-92'),
    );
    await eventually(
      () => serialOf(out('cert.pem')),
      (serial) => serial !== firstSerial,
    );
    expect(await textOf(out('app.ini'))).toBe('user=db-user-one\n'); // the old file stays
    const unhealthy = await eventually(status, (result) => result.code === 1);
    expect(unhealthy.stdout).toMatch(/outputs\s+FAIL\s+template \S*app\.tmpl failing since/);

    // Put back: the template's next cycle writes it, and status is healthy again.
    await vault.write('secret/data/app/db', {
      data: { username: 'db-user-two', password: 'db-pass-third-93' },
    });
    await eventually(
      () => textOf(out('app.ini')),
      (text) => text === 'user=db-user-two\n',
    );
    await agent.waitForLog(msg('written again'));
    const healthy = await eventually(status, (result) => result.code === 0);
    expect(healthy.stdout).toMatch(/outputs\s+ok\s+no group failing/);

    const result = await agent.stop();
    expect(result.code).toBe(0);
    const key = await readFile(out('key.pem'), 'utf8');
    const secrets = {
      secretId,
      roleId: app.roleId,
      key,
      p1: 'db-pass-first-91',
      p2: 'db-pass-second-92',
      p3: 'db-pass-third-93',
    };
    for (const run of [result, unhealthy, healthy]) expectNoSecrets(run, secrets);
  });
});
