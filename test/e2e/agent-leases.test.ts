import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { msg, startKeyturn } from './agent-process.ts';
import { databaseEngine, eventually, textOf, writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const kvReads = (vault: { requests: { path: string; status: number }[] }) =>
  vault.requests.filter((r) => r.path === 'secret/data/app/cfg' && r.status === 200).length;

describe('keyturn agent: leases and static secrets', () => {
  it('renews a lease, and fetches the secret again when the lease is revoked from outside', async () => {
    // A still server clock: a lease renewed late on a busy machine has not run out.
    await using vault = await startVaultServer({ clock: new ManualClock(Date.now()) });
    await using dir = await tempDir();
    await mountEngines(vault);
    await vault.write('database/roles/app', { db_name: 'db', default_ttl: '2s', max_ttl: '1h' });
    const app = await setupApp(vault, { token_ttl: '1m' });
    const secretId = await app.plainSecretId();
    const config = await writeAgentConfig(
      dir.path,
      `
secrets:
  - path: database/creds/app
    format: json
    to: out/creds.json
    on_change: { command: [sh, -c, 'echo run >> marker'] }
`,
    );
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });
    await agent.waitForLog(msg('renewing'));
    const creds = join(dir.path, 'out', 'creds.json');
    const before = JSON.parse(await readFile(creds, 'utf8'));
    const renewal = await vault.waitFor((r) => r.path === 'sys/leases/renew' && r.status === 200, {
      timeoutMs: 4000,
    });
    const leaseId = String(renewal.body.lease_id);
    expect(leaseId).toMatch(/^database\/creds\/app\//);
    expect(await textOf(join(dir.path, 'marker'))).toBe('');

    expect(vault.revokeLease(leaseId)).toBe(true);
    await vault.waitFor((r) => r.path === 'sys/leases/renew' && r.status === 400, {
      timeoutMs: 4000,
    });
    const after = JSON.parse(
      await eventually(
        () => textOf(creds),
        (text) => !text.includes(before.username),
      ),
    );
    expect(databaseEngine(vault).liveUsers()).toEqual([after.username]);
    await eventually(
      () => textOf(join(dir.path, 'marker')),
      (text) => text === 'run\n',
    );
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain(Buffer.from('second-välue-4567').toString('base64'));
    expect(result.stderr).not.toContain('second-v\\u00e4lue-4567');
    expectNoSecrets(result, {
      secretId,
      roleId: app.roleId,
      before: before.password,
      after: after.password,
    });
  });

  it('re-reads static KV every `refresh`, rewrites only on change, runs on_change once; a failing action is logged and renewal goes on', async () => {
    // A still server clock: a token renewed late on a busy machine has not run out.
    await using vault = await startVaultServer({ clock: new ManualClock(Date.now()) });
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '2s', token_max_ttl: '1m' });
    await vault.write('secret/data/app/cfg', { data: { key: 'first-value-0123' } });
    const secretId = await app.plainSecretId();
    const config = await writeAgentConfig(
      dir.path,
      `
secrets:
  - path: secret/app/cfg
    field: key
    to: out/key
    refresh: 300ms
    on_change: { command: [sh, -c, 'echo run >> marker'] }
  - path: secret/app/cfg
    format: json
    to: out/cfg.json
    refresh: 300ms
    on_change: { command: [sh, -c, 'env > env.txt; cat out/key; echo; cat out/cfg.json; base64 out/key; python3 -c "import json; print(json.dumps({\\"k\\": open(\\"out/key\\").read()}, ensure_ascii=True))"; exit 3'] }
`,
    );
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: {
        VAULT_ADDR: vault.addr,
        VAULT_ROLE_ID: app.roleId,
        VAULT_SECRET_ID: secretId,
        KEEP_ME: 'yes',
      },
    });
    await agent.waitForLog(msg('renewing'));
    const key = join(dir.path, 'out', 'key');
    const firstWrite = (await stat(key)).mtimeMs;
    // Two rounds of re-reading the same value: nothing rewritten, nothing run.
    const reads = kvReads(vault);
    await eventually(
      async () => kvReads(vault),
      (n) => n >= reads + 4,
    );
    expect((await stat(key)).mtimeMs).toBe(firstWrite);
    expect(await textOf(join(dir.path, 'marker'))).toBe('');

    await vault.write('secret/data/app/cfg', { data: { key: 'second-välue-4567' } });
    await eventually(
      () => textOf(key),
      (text) => text === 'second-välue-4567',
    );
    await eventually(
      () => textOf(join(dir.path, 'marker')),
      (text) => text === 'run\n',
    );
    const failed = await agent.waitForLog(msg('on_change failed'));
    expect(failed.level).toBe('error');
    expect(failed.msg).toMatch(/exited with 3/);
    // Issue 12: at info only exit code, duration and sizes; the last lines at debug, with
    // every form of the secret (raw, JSON, \u-escaped, base64) redacted.
    const finished = await agent.waitForLog(
      (l) => msg('on_change command finished')(l) && l.exitCode === 3,
    );
    expect(finished).toMatchObject({ level: 'info', exitCode: 3 });
    expect(finished.stdoutBytes).toBeGreaterThan(0);
    expect(typeof finished.durationMs).toBe('number');
    expect(finished).not.toHaveProperty('output');
    const output = await agent.waitForLog(msg('on_change output'));
    expect(output.level).toBe('debug');
    expect(String(output.lastLines)).toContain('[REDACTED]');

    const env = await textOf(join(dir.path, 'env.txt'));
    expect(env).toContain('KEEP_ME=yes');
    expect(env).not.toMatch(/^VAULT_/m);
    // Renewal goes on after the failure, and more refreshes change nothing more.
    const failedAt = agent.lines().indexOf(failed);
    await agent.waitForLog((l) => msg('token renewed')(l) && agent.lines().indexOf(l) > failedAt);
    const afterChange = kvReads(vault);
    await eventually(
      async () => kvReads(vault),
      (n) => n >= afterChange + 4,
    );
    expect(await textOf(join(dir.path, 'marker'))).toBe('run\n');
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain(Buffer.from('second-välue-4567').toString('base64'));
    expect(result.stderr).not.toContain('second-v\\u00e4lue-4567');
    expectNoSecrets(result, {
      secretId,
      roleId: app.roleId,
      first: 'first-value-0123',
      second: 'second-välue-4567',
    });
  });
});
