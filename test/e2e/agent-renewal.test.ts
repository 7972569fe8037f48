import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { msg, startKeyturn } from './agent-process.ts';
import { databaseEngine, writeAgentConfig } from './agent-world.ts';
import { configStateDir } from './config-state-dir.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const isRenewal = (r: { path: string; status: number }) =>
  r.path === 'auth/token/renew-self' && r.status === 200;

describe('keyturn agent: token renewal', () => {
  it('renews the token inside [57%, 80%) of its TTL, records state, and on SIGTERM revokes and exits 0 within a second', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '2s', token_max_ttl: '1m' });
    const wrapped = await app.wrappedSecretId();
    const config = await writeAgentConfig(
      dir.path,
      `
auth: { approle: { wrapped: true } }
token: { sink: { path: out/token }, revoke_on_exit: true }
secrets:
  - { path: database/creds/app, format: json, to: out/creds.json }
`,
    );
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: wrapped },
    });

    const login = await vault.waitFor((r) => r.path === 'auth/approle/login' && r.status === 200);
    const first = await vault.waitFor(isRenewal, { timeoutMs: 5000 });
    // renewDelayMs puts it in [17/30, 23/30) of the 2 s TTL after the login answer arrived.
    expect(first.time - login.time).toBeGreaterThanOrEqual(1100);
    expect(first.time - login.time).toBeLessThan(1600);
    const second = await vault.waitFor((r) => isRenewal(r) && r !== first, { timeoutMs: 5000 });
    expect(second.time - first.time).toBeGreaterThanOrEqual(1100);
    expect(second.time - first.time).toBeLessThan(1600);

    const stateFile = join(await configStateDir(join(dir.path, 'state')), 'state.json');
    const stateText = await readFile(stateFile, 'utf8');
    const state = JSON.parse(stateText);
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(stateFile))).mode & 0o777).toBe(0o700);
    expect(state).toMatchObject({ version: 1, mode: 'agent', pid: agent.child.pid });
    expect(state.files).toContain(join(dir.path, 'out', 'creds.json'));
    expect(state.leases).toHaveLength(1);
    expect(state.leases[0].path).toBe('database/creds/app');
    expect(state.token.expiresAt).toBeGreaterThan(Date.now());
    const token = (await readFile(join(dir.path, 'out', 'token'), 'utf8')).trim();
    expect(stateText).not.toContain(token);
    expect(databaseEngine(vault).liveUsers()).toHaveLength(1);

    const result = await agent.stop('SIGTERM');
    expect(result.code).toBe(0);
    expect(result.elapsedMs).toBeLessThan(1000);
    expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(403);
    // revoke-self took the database credentials with it.
    expect(databaseEngine(vault).liveUsers()).toEqual([]);
    const creds = JSON.parse(await readFile(join(dir.path, 'out', 'creds.json'), 'utf8'));
    expect(agent.lines().some(msg('revoked the token'))).toBe(true);
    expectNoSecrets(result, { wrapped, roleId: app.roleId, token, dbPassword: creds.password });
  });

  it('keeps renewing through Vault going away and coming back on the same port', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '4s', token_max_ttl: '1m' });
    const secretId = await app.plainSecretId();
    const config = await writeAgentConfig(dir.path, '');
    await using agent = startKeyturn(['agent', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });
    await agent.waitForLog(msg('renewing'));
    await vault.stop();
    await agent.waitForLog(
      (l) =>
        msg('token renewal failed; retrying')(l) && /refused|ECONNREFUSED/.test(String(l.error)),
    );
    await vault.start();
    await vault.waitFor(isRenewal, { timeoutMs: 5000 });
    await agent.waitForLog(msg('token renewed'));
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(result, { secretId, roleId: app.roleId });
  });
});
