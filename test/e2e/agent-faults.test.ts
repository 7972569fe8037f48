import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { msg, startKeyturn, untilPlanned } from './agent-process.ts';
import { eventually, writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const logins = (vault: { requests: { path: string; status: number }[] }) =>
  vault.requests.filter((r) => r.path === 'auth/approle/login' && r.status === 200);
const renewed = (r: { path: string; status: number }) =>
  r.path === 'auth/token/renew-self' && r.status === 200;

describe('keyturn agent: Vault faults while renewing', () => {
  it('retries while Vault is sealed and continues once it is unsealed; rides out a 5xx burst', async () => {
    // The server's clock stands still: a busy machine that slows the agent cannot let the
    // token run out; faults are switched on the server's own events, not after a delay.
    await using vault = await startVaultServer({ clock: new ManualClock(Date.now()) });
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '4s', token_max_ttl: '1m' });
    const secretId = await app.plainSecretId();
    const config = await writeAgentConfig(dir.path, '');
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: secretId },
    });
    await agent.waitForLog(msg('renewing'));
    vault.seal();
    // Unsealed the moment the second sealed answer is sent: the agent retried while sealed.
    let sealedAnswers = 0;
    await vault.waitFor(
      (r) => r.path === 'auth/token/renew-self' && r.status === 503 && ++sealedAnswers === 2,
      { timeoutMs: await untilPlanned(agent, 0) },
    );
    vault.unseal();
    await agent.waitForLog(
      (l) => msg('token renewal failed; retrying')(l) && /sealed/.test(String(l.error)),
    );
    const afterSeal = await vault.waitFor(renewed);

    vault.failNext(3, { status: 500, path: 'auth/token/renew-self', errors: ['internal error'] });
    const afterBurst = await vault.waitFor((r) => renewed(r) && r !== afterSeal, {
      timeoutMs: await untilPlanned(agent, 1),
    });
    const renewals = vault.requests.filter((r) => r.path === 'auth/token/renew-self');
    expect(renewals.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(2);
    const burst = renewals.filter((r) => r.status === 500);
    expect(burst).toHaveLength(3);
    // In order: sealed answers, the renewal, the burst, the renewal after it.
    expect(renewals.indexOf(afterBurst)).toBeGreaterThan(renewals.indexOf(burst[2] ?? afterBurst));
    expect(renewals.indexOf(burst[0] ?? afterSeal)).toBeGreaterThan(renewals.indexOf(afterSeal));
    expect(logins(vault)).toHaveLength(1);
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(result, { secretId, roleId: app.roleId });
  });

  it('logs in again when the token is revoked from outside (file), and exits 75 at once when it cannot (wrapped)', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '2s', token_max_ttl: '1m' });
    const secretId = await app.plainSecretId();
    await writeFile(join(dir.path, 'secret-id'), secretId);
    const config = await writeAgentConfig(
      dir.path,
      'auth: { approle: { secret_id: { file: secret-id } } }\n',
    );
    await using agent = startKeyturn(['agent', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId },
    });
    const started = await agent.waitForLog(msg('renewing'));
    expect(vault.revokeToken(String(started.accessor))).toBe(true);
    await vault.waitFor((r) => r.path === 'auth/token/renew-self' && r.status === 403);
    await eventually(
      async () => logins(vault).length,
      (n) => n === 2,
    );
    await vault.waitFor((r) => r.path === 'auth/token/renew-self' && r.status === 200, {
      timeoutMs: 5000,
    });
    const result = await agent.stop();
    expect(result.code).toBe(0);
    expectNoSecrets(result, { secretId, roleId: app.roleId });

    const wrapped = await app.wrappedSecretId();
    const config2 = await writeAgentConfig(dir.path, '');
    await using second = startKeyturn(['agent', '--config', config2], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: wrapped },
    });
    const running = await second.waitForLog(msg('renewing'));
    vault.revokeToken(String(running.accessor));
    const ended = await second.done;
    expect(ended.code).toBe(75);
    expect(second.lines().find(msg('cannot be renewed any more'))?.msg).toMatch(/invalid token/);
    expectNoSecrets(ended, { wrapped, roleId: app.roleId });
  });
});
