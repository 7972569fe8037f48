import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { msg, nth, startKeyturn, untilPlanned } from './agent-process.ts';
import { databaseEngine, writeAgentConfig } from './agent-world.ts';
import { configStateDir } from './config-state-dir.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const isRenewal = (r: { path: string; status: number }) =>
  r.path === 'auth/token/renew-self' && r.status === 200;
const scheduled = msg('token renewal scheduled');
const logins = (vault: { requests: { path: string; status: number }[] }) =>
  vault.requests.filter((r) => r.path === 'auth/approle/login' && r.status === 200);

describe('keyturn agent: token renewal', () => {
  it('schedules every token renewal inside [57%, 77%) of its TTL and renews no earlier, records state, and on SIGTERM revokes and exits 0 within a second', async () => {
    // The server's clock stands still, so the token cannot run out on a busy machine that
    // delays the agent: what is checked is the agent's own schedule, never a wall-clock margin.
    await using vault = await startVaultServer({ clock: new ManualClock(Date.now()) });
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

    // Three schedules: after the login and after each of two renewals.
    await agent.waitForLog(msg('renewing'));
    const third = await agent.waitForLog(nth(agent, scheduled, 2), await untilPlanned(agent, 1));
    const plans = agent.lines().filter(scheduled).slice(0, 3);
    expect(plans[2]).toBe(third);
    for (const plan of plans) {
      expect(plan.ttl).toBe(2);
      const delay = Date.parse(String(plan.renewAt)) - Date.parse(String(plan.grantedAt));
      expect(delay).toBeGreaterThanOrEqual(Math.floor((2000 * 17) / 30));
      expect(delay).toBeLessThan((2000 * 23) / 30);
    }
    // Each renewal came no earlier than planned: the next grant is after the planned instant.
    for (const [before, after] of [
      [plans[0], plans[1]],
      [plans[1], plans[2]],
    ] as const) {
      expect(Date.parse(String(after?.grantedAt))).toBeGreaterThanOrEqual(
        Date.parse(String(before?.renewAt)),
      );
    }
    expect(vault.requests.filter(isRenewal).length).toBeGreaterThanOrEqual(2);
    expect(agent.lines().filter(msg('token renewed')).length).toBeGreaterThanOrEqual(2);

    const stateFile = join(await configStateDir(join(dir.path, 'state')), 'state.json');
    const stateText = await readFile(stateFile, 'utf8');
    const state = JSON.parse(stateText);
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(stateFile))).mode & 0o777).toBe(0o700);
    expect(state).toMatchObject({ version: 1, mode: 'agent', pid: agent.child.pid });
    expect(state.files).toContain(join(dir.path, 'out', 'creds.json'));
    expect(state.leases).toHaveLength(1);
    expect(state.leases[0].path).toBe('database/creds/app');
    // Saved before the third schedule was made, or later.
    expect(state.token.expiresAt).toBeGreaterThanOrEqual(
      Date.parse(String(third.grantedAt)) + 2000,
    );
    const token = (await readFile(join(dir.path, 'out', 'token'), 'utf8')).trim();
    expect(stateText).not.toContain(token);
    expect(databaseEngine(vault).liveUsers()).toHaveLength(1);

    const result = await agent.stop('SIGTERM');
    expect(result.code).toBe(0);
    // Within a second by the agent's own clock, from taking the signal to its last line
    // (revoke included); from outside only a hang bound, as the scheduler may add to it.
    const lines = agent.lines();
    const stopping = lines.find(msg('stopping'));
    expect(stopping?.reason).toBe('SIGTERM');
    expect(
      Date.parse(String(lines.at(-1)?.time)) - Date.parse(String(stopping?.time)),
    ).toBeLessThan(1000);
    expect(result.elapsedMs).toBeLessThan(10_000);
    expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(403);
    // revoke-self took the database credentials with it.
    expect(databaseEngine(vault).liveUsers()).toEqual([]);
    const creds = JSON.parse(await readFile(join(dir.path, 'out', 'creds.json'), 'utf8'));
    expect(agent.lines().some(msg('revoked the token'))).toBe(true);
    expectNoSecrets(result, { wrapped, roleId: app.roleId, token, dbPassword: creds.password });
  });

  it('keeps renewing through Vault going away and coming back on the same port', async () => {
    // A still server clock: only the agent's view of the token's life counts. The 6 s TTL
    // leaves the test at least 1.4 s between the first refused renewal and the agent giving
    // the token up, to bring Vault back.
    await using vault = await startVaultServer({ clock: new ManualClock(Date.now()) });
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '6s', token_max_ttl: '1m' });
    const secretId = await app.plainSecretId();
    const config = await writeAgentConfig(dir.path, '');
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });
    await agent.waitForLog(msg('renewing'));
    await vault.stop();
    await agent.waitForLog(
      (l) =>
        msg('token renewal failed; retrying')(l) && /refused|ECONNREFUSED/.test(String(l.error)),
      await untilPlanned(agent, 0),
    );
    await vault.start();
    await vault.waitFor(isRenewal);
    await agent.waitForLog(msg('token renewed'));
    expect(logins(vault)).toHaveLength(1);
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(result, { secretId, roleId: app.roleId });
  });
});
