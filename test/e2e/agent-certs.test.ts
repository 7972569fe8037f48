import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { msg, startKeyturn } from './agent-process.ts';
import { eventually, textOf, writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const issues = (vault: { requests: { path: string; status: number }[] }) =>
  vault.requests.filter((r) => r.path === 'pki/issue/web' && r.status === 200);

describe('keyturn agent: certificates', () => {
  it('re-issues at renew_at of the certificate lifetime, rewrites the set and runs on_change once per rotation', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    // No backdating, so the lifetime is exactly the 4 s asked for.
    await vault.write('pki/roles/web', {
      allowed_domains: ['service.consul'],
      allow_subdomains: true,
      key_type: 'ec',
      ttl: '4s',
      not_before_duration: '0s',
    });
    const app = await setupApp(vault, { token_ttl: '1m' });
    const secretId = await app.plainSecretId();
    const body = `
certs:
  - mount: pki
    role: web
    common_name: app.service.consul
    cert: out/cert.pem
    key: out/key.pem
    ca: out/ca.pem
    renew_at: 0.5
    on_change: { command: [sh, -c, 'echo run >> marker'] }
`;
    const config = await writeAgentConfig(dir.path, body);
    const env = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId };
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env,
    });
    await agent.waitForLog(msg('renewing'));
    const first = new X509Certificate(await readFile(join(dir.path, 'out', 'cert.pem'), 'utf8'));
    const firstIssue = issues(vault)[0];
    // The agent's plan: half of the 4 s lifetime, counted from notBefore (whole seconds) or
    // from when it received the certificate, if later — never past notAfter.
    const plan = await agent.waitForLog(msg('certificate re-issue scheduled'));
    const due = Date.parse(String(plan.dueAt));
    expect(due).toBeGreaterThanOrEqual(first.validFromDate.getTime() + 2000);
    expect(due).toBeLessThan(first.validToDate.getTime());
    const second = await vault.waitFor((r) => r.path === 'pki/issue/web' && r !== firstIssue, {
      timeoutMs: Math.max(0, due - Date.now()) + 8000,
    });
    // No earlier than planned (the server stamps the answer, after the request arrived).
    expect(second.time).toBeGreaterThanOrEqual(due);
    await eventually(
      () => textOf(join(dir.path, 'marker')),
      (text) => text === 'run\n',
    );
    const rotated = new X509Certificate(await readFile(join(dir.path, 'out', 'cert.pem'), 'utf8'));
    expect(rotated.serialNumber).not.toBe(first.serialNumber);
    const key = await readFile(join(dir.path, 'out', 'key.pem'), 'utf8');
    const { createPrivateKey } = await import('node:crypto');
    expect(rotated.checkPrivateKey(createPrivateKey(key))).toBe(true);
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(result, { secretId, roleId: app.roleId, key });
  });
});
