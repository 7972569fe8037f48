import { describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { msg, startKeyturn, untilPlanned } from './agent-process.ts';
import { writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

describe('keyturn agent: a standby during failover', () => {
  it('waits out a 429 as long as its Retry-After says, then renews', async () => {
    // A still server clock: the token cannot run out while a busy machine delays the agent.
    await using vault = await startVaultServer({ clock: new ManualClock(Date.now()) });
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '5s', token_max_ttl: '1m' });
    const secretId = await app.plainSecretId();
    const config = await writeAgentConfig(dir.path, '');
    vault.setStandby(true);
    vault.failNext(1, {
      status: 429,
      path: 'auth/token/renew-self',
      errors: ['node is in standby mode'],
      retryAfterSeconds: 1,
    });
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });
    await agent.waitForLog(msg('renewing'));
    await vault.waitFor((r) => r.path === 'auth/token/renew-self' && r.status === 429, {
      timeoutMs: await untilPlanned(agent, 0),
    });
    await vault.waitFor((r) => r.path === 'auth/token/renew-self' && r.status === 200, {
      timeoutMs: 1200 + 8000,
    });
    // Retry-After is a floor, stretched by up to 20% so a fleet does not return together: the
    // agent's own plan says so, and its renewal came no earlier than planned.
    const failed = await agent.waitForLog(msg('token renewal failed; retrying'));
    // ...unless less than that is left of the token's life: a renewal that a busy machine ran
    // late retries right at the token's expiry instead (the agent's own rule).
    const plan = agent.lines().find(msg('token renewal scheduled'));
    const leftMs = Date.parse(String(plan?.grantedAt)) + 5000 - Date.parse(String(failed.time));
    expect(failed.retryInMs).toBeGreaterThanOrEqual(Math.min(1000, leftMs) - 1);
    expect(failed.retryInMs).toBeLessThanOrEqual(1200);
    const renewed = await agent.waitForLog(msg('token renewed'));
    expect(
      Date.parse(String(renewed.time)) - Date.parse(String(failed.time)),
    ).toBeGreaterThanOrEqual(Number(failed.retryInMs) - 1);
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(result, { secretId, roleId: app.roleId });
  });
});
