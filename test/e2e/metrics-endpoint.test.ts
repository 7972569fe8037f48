import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { configStateDir } from './config-state-dir.ts';
import { daemonWorld, killRenewers, readToken, startDaemon } from './daemon-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

afterEach(killRenewers);

describe('--metrics-addr: the renewer serves Prometheus metrics', () => {
  it('prestart --daemon --metrics-addr serves the token gauges and counts renewals', async () => {
    // A still server clock: a renewer that a busy machine runs late still renews a live token.
    const { vault, app } = await daemonWorld('2s', new ManualClock(Date.now()));
    await using _vault = vault;
    await using dir = await tempDir();
    const { result, secretId } = await startDaemon(vault, app, dir.path, {
      args: ['--metrics-addr', '127.0.0.1:0'],
    });
    expect(result.code, result.stderr).toBe(0);
    // Port 0: the renewer logs the port it got.
    const log = await readFile(
      join(await configStateDir(join(dir.path, 'state')), 'renewer.log'),
      'utf8',
    );
    const line = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; address?: string })
      .find((l) => l.msg === 'serving Prometheus metrics at /metrics');
    expect(line?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const url = `http://${line?.address}/metrics`;

    const first = await (await fetch(url)).text();
    expect(first).toMatch(/^keyturn_token_ttl_seconds \d/m);

    await vault.waitFor((r) => r.path === 'auth/token/renew-self' && r.status === 200, {
      timeoutMs: 5000,
    });
    const deadline = Date.now() + 5000;
    let text = '';
    while (!/keyturn_renewals_total\{kind="token"\} [1-9]/.test(text)) {
      if (Date.now() > deadline) throw new Error(`no token renewal counted:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
      text = await (await fetch(url)).text();
    }
    expect(text).toMatch(/^keyturn_last_success_timestamp_seconds\{kind="token"\} \d+/m);
    expect(text).toContain('keyturn_renewal_failures_total');
    const token = await readToken(dir.path);
    expectNoSecrets(
      { code: 0, signal: null, stdout: text + first, stderr: log },
      { token, secretId, roleId: app.roleId, apiKey: 'daemon-api-key-4711' },
    );
    expectNoSecrets(result, { token, secretId, roleId: app.roleId });
  });
});
