import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  daemonConfig,
  daemonWorld,
  isAlive,
  killRenewers,
  readToken,
  startDaemon,
  status,
  waitUntil,
} from './daemon-world.ts';
import { expectNoSecrets, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

afterEach(killRenewers);

describe('keyturn status: judged from local state', () => {
  it('0 while healthy, 1 once a file is gone; --json prints only the allow-listed fields', async () => {
    const { vault, app } = await daemonWorld('1h');
    await using _vault = vault;
    await using dir = await tempDir();
    const { result, config, pid, secretId } = await startDaemon(vault, app, dir.path);
    expect(result.code, result.stderr).toBe(0);
    const token = await readToken(dir.path);
    const secrets = { token, secretId, roleId: app.roleId, apiKey: 'daemon-api-key-4711' };
    const requestsBefore = vault.requests.length;

    const healthy = await status(dir.path, config);
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    expect(healthy.stdout).toMatch(/keyturn status: healthy/);
    expect(healthy.stdout).toContain(`pid ${pid} running`);

    const json = await status(dir.path, config, ['--json']);
    expect(json.code).toBe(0);
    const fields = JSON.parse(json.stdout);
    expect(Object.keys(fields).sort()).toEqual(
      [
        'accessor',
        'certs',
        'checks',
        'files',
        'healthy',
        'lastRenewalAt',
        'leases',
        'mode',
        'pid',
        'startedAt',
        'stateFile',
        'tokenExpiresAt',
        'tokenRenewable',
      ].filter((key) => key !== 'lastRenewalAt' || key in fields),
    );
    expect(fields).toMatchObject({ healthy: true, mode: 'daemon', pid, files: 2 });
    // Local only: status asked Vault nothing.
    expect(vault.requests.length).toBe(requestsBefore);

    await rm(join(dir.path, 'out', 'api-key'));
    const missing = await status(dir.path, config);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/files\s+FAIL\s+missing: .*out\/api-key/);
    for (const run of [result, healthy, json, missing]) expectNoSecrets(run, secrets);
  });

  it('1 once the renewer is gone', async () => {
    const { vault, app } = await daemonWorld('1h');
    await using _vault = vault;
    await using dir = await tempDir();
    const { result, config, pid, secretId } = await startDaemon(vault, app, dir.path);
    expect(result.code, result.stderr).toBe(0);
    process.kill(pid as number, 'SIGKILL');
    await waitUntil('the renewer is gone', () => !isAlive(pid as number));
    const dead = await status(dir.path, config, ['--log-level', 'debug']);
    expect(dead.code).toBe(1);
    expect(dead.stdout).toMatch(new RegExp(`renewer\\s+FAIL\\s+pid ${pid} is not running`));
    const token = await readToken(dir.path);
    expectNoSecrets(dead, { token, secretId, roleId: app.roleId });
  });

  it('1 when prestart never ran (no state)', async () => {
    await using dir = await tempDir();
    const config = join(dir.path, 'keyturn.yaml');
    await writeFile(config, daemonConfig(dir.path));
    const none = await status(dir.path, config);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/state\s+FAIL\s+no state at .*state\.json/);
    expectNoSecrets(none, {});
  });

  it('--online asks lookup-self with the token sink: 0, then 1 once the token is revoked', async () => {
    const { vault, app } = await daemonWorld('1h');
    await using _vault = vault;
    await using dir = await tempDir();
    const { result, config, secretId } = await startDaemon(vault, app, dir.path);
    expect(result.code, result.stderr).toBe(0);
    const token = await readToken(dir.path);
    const env = { VAULT_ADDR: vault.addr };
    const online = await runKeyturn(['status', '--online', '--config', config], {
      cwd: dir.path,
      env,
    });
    expect(online.code, online.stdout + online.stderr).toBe(0);
    expect(online.stdout).toMatch(/vault\s+ok\s+token valid per lookup-self/);
    expect(vault.requests.at(-1)).toMatchObject({
      path: 'auth/token/lookup-self',
      tokenSent: true,
    });

    await vault.revokeToken(token);
    const revoked = await runKeyturn(['status', '--online', '--json', '--config', config], {
      cwd: dir.path,
      env,
    });
    expect(revoked.code).toBe(1);
    const vaultCheck = JSON.parse(revoked.stdout).checks.find(
      (c: { name: string }) => c.name === 'vault',
    );
    expect(vaultCheck).toMatchObject({ ok: false });
    for (const run of [result, online, revoked]) {
      expectNoSecrets(run, { token, secretId, roleId: app.roleId });
    }
  });

  it('--online without a token sink or VAULT_TOKEN: 64, saying what it needs', async () => {
    await using dir = await tempDir();
    const config = join(dir.path, 'keyturn.yaml');
    await writeFile(config, `state_dir: ${join(dir.path, 'state')}\nsecrets: []\n`);
    const result = await runKeyturn(['status', '--online', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: 'http://127.0.0.1:1' },
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('status --online needs a token');
    expectNoSecrets(result, {});
  });
});
