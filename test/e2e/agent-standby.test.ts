import { describe, expect, it } from 'vitest';
import { msg, startKeyturn } from './agent-process.ts';
import { writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

describe('keyturn agent: a standby during failover', () => {
  it('waits out a 429 as long as its Retry-After says, then renews', async () => {
    await using vault = await startVaultServer();
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
    await using agent = startKeyturn(['agent', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });
    const refused = await vault.waitFor(
      (r) => r.path === 'auth/token/renew-self' && r.status === 429,
      { timeoutMs: 6000 },
    );
    const renewed = await vault.waitFor(
      (r) => r.path === 'auth/token/renew-self' && r.status === 200,
      { timeoutMs: 4000 },
    );
    // Retry-After is a floor (stretched by up to 20% so a fleet does not return together).
    expect(renewed.time - refused.time).toBeGreaterThanOrEqual(1000);
    expect(renewed.time - refused.time).toBeLessThan(1400);
    expect(
      agent.lines().find(msg('token renewal failed; retrying'))?.retryInMs,
    ).toBeGreaterThanOrEqual(1000);
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(result, { secretId, roleId: app.roleId });
  });
});
