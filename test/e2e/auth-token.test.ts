import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { followPlans, msg, startKeyturn, untilPlanned } from './agent-process.ts';
import { writeAgentConfig } from './agent-world.ts';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import {
  mountEngines,
  setupApp,
  startVaultServer,
  tempDir,
  type VaultServer,
} from './vault-fixture.ts';

const password = 'token-method-db-password-91c2';

/** A KV secret and a token of the `app` policy, as an operator would hand one to keyturn. */
async function world(vault: VaultServer, token: Record<string, unknown> = {}) {
  await mountEngines(vault);
  await setupApp(vault);
  await vault.write('secret/data/app/db', { data: { username: 'app', password } });
  const created = await vault.write('auth/token/create', { policies: ['app'], ...token });
  const body = created.body as { auth: { client_token: string; accessor: string } };
  return { token: body.auth.client_token, accessor: body.auth.accessor };
}

const alive = (vault: VaultServer, accessor: string) =>
  vault.core.tokens.lookupAccessor(accessor) !== undefined;

describe('auth.token: an existing token, no login', () => {
  it('prestart reads the token from a file, logs in nowhere, and leaves the token alive', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const { token, accessor } = await world(vault, { ttl: '1h' });
    await writeFile(join(dir.path, 'vault-token'), `${token}\n`);
    const config = await writeAgentConfig(
      dir.path,
      'auth: { token: { file: vault-token } }\nsecrets:\n  - { path: secret/app/db, field: password, to: out/pw }\n',
    );

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });

    expect(result.code, result.stderr).toBe(0);
    expect(vault.requests.some((r) => r.path.endsWith('/login'))).toBe(false);
    expect(vault.requests.some((r) => r.path === 'auth/token/lookup-self')).toBe(true);
    expect(logLines(result).find(msg('using the token from'))).toMatchObject({
      method: 'token',
      accessor,
    });
    expect(alive(vault, accessor)).toBe(true);
    expectNoSecrets(result, { token, password });
  });

  it('a failed run does not revoke a token keyturn did not mint', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const { token, accessor } = await world(vault);
    const config = await writeAgentConfig(
      dir.path,
      'auth: { token: {} }\nsecrets:\n  - { path: secret/app/missing, to: out/x }\n',
    );

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });

    expect(result.code, result.stderr).toBe(65);
    expect(vault.requests.some((r) => r.path === 'auth/token/revoke-self')).toBe(false);
    expect(alive(vault, accessor)).toBe(true);
    expectNoSecrets(result, { token, password });
  });

  it('a revoked token is refused (77) before anything is fetched', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const { token } = await world(vault);
    vault.revokeToken(token);
    const before = vault.requests.length;
    const config = await writeAgentConfig(
      dir.path,
      'auth: { token: { env: APP_TOKEN } }\nsecrets:\n  - { path: secret/app/db, to: out/db.json }\n',
    );

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, APP_TOKEN: token },
    });

    expect(result.code, result.stderr).toBe(77);
    const error = logLines(result).find((l) => l.level === 'error');
    expect(error?.msg).toMatch(/\$APP_TOKEN was refused by Vault \(invalid token\)/);
    expect(vault.requests.slice(before).map((r) => r.path)).toEqual(['auth/token/lookup-self']);
    expectNoSecrets(result, { token });
  });

  it('agent renews a renewable token, and revokes it on exit only with revoke_on_exit', async () => {
    // The token is minted before keyturn starts: a still server clock keeps its 2 s from
    // running out while a busy machine starts keyturn.
    await using vault = await startVaultServer({ clock: new ManualClock(Date.now()) });
    await using dir = await tempDir();
    const { token, accessor } = await world(vault, { ttl: '2s' });
    await writeFile(join(dir.path, 'vault-token'), token);
    const config = await writeAgentConfig(
      dir.path,
      'auth: { token: { file: vault-token } }\ntoken: { revoke_on_exit: true }\nsecrets:\n  - { path: secret/app/db, field: password, to: out/pw }\n',
    );
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });
    await agent.waitForLog(msg('renewing'));
    await agent.waitForLog(msg('token renewed'), await untilPlanned(agent, 0));
    expect(vault.requests.some((r) => r.path === 'auth/token/renew-self' && r.status === 200)).toBe(
      true,
    );

    const stopped = await agent.stop('SIGTERM');

    expect(stopped.code, stopped.stderr).toBe(0);
    expect(alive(vault, accessor)).toBe(false);
    expectNoSecrets(stopped, { token, password });
  });

  it('agent cannot log in again with a given token: at its max TTL it exits 75 before expiry', async () => {
    // The server's clock follows the agent's plan (followPlans): the max TTL comes after the
    // agent's own renewals, however late a busy machine runs them, and the token never dies
    // under it.
    const clock = new ManualClock(Date.now());
    await using vault = await startVaultServer({ clock });
    await using dir = await tempDir();
    const { token, accessor } = await world(vault, { ttl: '2s', explicit_max_ttl: '3s' });
    const config = await writeAgentConfig(
      dir.path,
      'auth: { token: {} }\nsecrets:\n  - { path: secret/app/db, field: password, to: out/pw }\n',
    );
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });
    const following = followPlans(agent, clock);

    const result = await agent.done;
    await following;

    expect(result.code, result.stderr).toBe(75);
    const lines = logLines(result);
    expect(lines.some((l) => String(l.msg).includes('was given to keyturn'))).toBe(true);
    // It did not wait for Vault to refuse a dead token: the token was still alive at exit.
    expect(lines.some((l) => String(l.msg).includes('invalid token'))).toBe(false);
    expect(alive(vault, accessor)).toBe(true);
    expect(vault.requests.some((r) => r.path.endsWith('/login'))).toBe(false);
    expect(accessor).not.toBe('');
    expectNoSecrets(result, { token, password });
  });
});
