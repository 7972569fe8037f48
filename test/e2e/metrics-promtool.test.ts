import { X509Certificate } from 'node:crypto';
import { readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { msg, startKeyturn } from './agent-process.ts';
import { eventually, writeAgentConfig } from './agent-world.ts';
import { configStateDir } from './config-state-dir.ts';
import { promtoolAvailable, promtoolCheckMetrics } from './promtool.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const hasPromtool = await promtoolAvailable();
if (!hasPromtool) {
  console.warn(
    '\n*** SKIPPED: metrics-promtool e2e test — no `promtool` on PATH (apt-get install prometheus) ***\n',
  );
}

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

/** The value of the one series whose line starts with `series ` (name and labels as printed). */
function sampleOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe.skipIf(!hasPromtool)('keyturn agent --metrics-addr, checked by promtool', () => {
  it('serves expiry timestamps, zeroed counters, build info and per-group write failures that promtool accepts', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    // A long token and certificate: nothing but the KV refresh happens during the test.
    const app = await setupApp(vault, { token_ttl: '1h', token_max_ttl: '2h' });
    await vault.write('secret/data/app/cfg', { data: { key: 'metrics-value-0001' } });
    const secretId = await app.plainSecretId();
    const config = await writeAgentConfig(
      dir.path,
      `
secrets:
  - { path: database/creds/app, format: json, to: out/creds.json }
  - { path: secret/app/cfg, format: json, to: out/cfg.json, refresh: 300ms }
certs:
  - { mount: pki, role: web, common_name: app.service.consul, ttl: 1h, cert: out/cert.pem, key: out/key.pem }
`,
    );
    await using agent = startKeyturn(
      ['agent', '--config', config, '--metrics-addr', '127.0.0.1:0'],
      {
        cwd: dir.path,
        env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
      },
    );
    const serving = await agent.waitForLog(msg('serving Prometheus metrics'));
    await agent.waitForLog(msg('renewing'));
    const url = `http://${String(serving.address)}/metrics`;

    const text = await (await fetch(url)).text();
    const check = await promtoolCheckMetrics(text);
    expect(check, text).toEqual({ code: 0, output: '' });

    expect(text).toContain(
      `keyturn_build_info{version="${pkg.version}",nodejs_version="${process.version}"} 1`,
    );
    for (const name of ['keyturn_renewals_total', 'keyturn_renewal_failures_total']) {
      for (const kind of ['token', 'lease', 'cert'])
        expect(text).toContain(`${name}{kind="${kind}"} 0`);
      expect(text).toMatch(new RegExp(`^${name}\\{kind="refresh"\\} \\d+$`, 'm'));
    }
    // The expiries are the renewer's own, as the state file records them for `status`.
    const state = JSON.parse(
      await readFile(join(await configStateDir(join(dir.path, 'state')), 'state.json'), 'utf8'),
    );
    expect(sampleOf(text, 'keyturn_token_expiry_timestamp_seconds')).toBe(
      state.token.expiresAt / 1000,
    );
    const [lease] = state.leases;
    expect(
      sampleOf(
        text,
        `keyturn_lease_expiry_timestamp_seconds{path="database/creds/app",lease_id="${lease.id}"}`,
      ),
    ).toBe(lease.expiresAt / 1000);
    const certFile = join(dir.path, 'out', 'cert.pem');
    const notAfter = new X509Certificate(await readFile(certFile)).validToDate.getTime();
    expect(
      sampleOf(
        text,
        `keyturn_certificate_expiry_timestamp_seconds{path="${certFile}",common_name="app.service.consul"}`,
      ),
    ).toBe(notAfter / 1000);
    for (const group of ['database/creds/app', 'secret/app/cfg', 'cert app.service.consul']) {
      expect(text).toContain(`keyturn_output_last_write_failed{group="${group}"} 0`);
    }

    // A symlink where cfg.json was: the next rewrite of that group is refused, the gauge says so.
    await rm(join(dir.path, 'out', 'cfg.json'));
    await symlink(join(dir.path, 'elsewhere'), join(dir.path, 'out', 'cfg.json'));
    await vault.write('secret/data/app/cfg', { data: { key: 'metrics-value-0002' } });
    const failed = await eventually(
      async () => (await fetch(url)).text(),
      (t) => t.includes('keyturn_output_last_write_failed{group="secret/app/cfg"} 1'),
    );
    expect(await promtoolCheckMetrics(failed)).toEqual({ code: 0, output: '' });

    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(
      { ...result, stdout: `${result.stdout}${text}${failed}` },
      {
        secretId,
        roleId: app.roleId,
        key: await readFile(join(dir.path, 'out', 'key.pem'), 'utf8'),
        dbPassword: JSON.parse(await readFile(join(dir.path, 'out', 'creds.json'), 'utf8'))
          .password,
        first: 'metrics-value-0001',
        second: 'metrics-value-0002',
      },
    );
  });
});
