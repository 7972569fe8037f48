import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../vault-server/index.ts';
import { followPlans, msg, startKeyturn } from './agent-process.ts';
import { databaseEngine, eventually, textOf, writeAgentConfig } from './agent-world.ts';
import { configStateDir } from './config-state-dir.ts';
import { expectNoSecrets } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const logins = (vault: { requests: { path: string; status: number }[] }) =>
  vault.requests.filter((r) => r.path === 'auth/approle/login' && r.status === 200);
const credReads = (vault: { requests: { path: string; status: number }[] }) =>
  vault.requests.filter((r) => r.path === 'database/creds/app' && r.status === 200);

describe('keyturn agent: when the token cannot be extended', () => {
  it('logs in again with a secret ID file at max TTL, re-fetches the lease under the new token, rewrites and runs on_change once', async () => {
    // The server's clock follows the agent's planned renewals: the max TTL comes when the agent
    // expects it, and the old token cannot die under a late agent before the re-fetch.
    const clock = new ManualClock(Date.now());
    await using vault = await startVaultServer({ clock });
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '2s', token_max_ttl: '5s' });
    const secretId = await app.plainSecretId();
    await writeFile(join(dir.path, 'secret-id'), `${secretId}\n`);
    await writeFile(join(dir.path, 'db.tmpl'), 'user={{secrets.db.username}}\n');
    const config = await writeAgentConfig(
      dir.path,
      `
auth: { approle: { secret_id: { file: secret-id } } }
defaults: { on_change_wait: 0s }   # this test times re-logins, not the coalescing window
secrets:
  - path: database/creds/app
    name: db
    format: json
    to: out/creds.json
    on_change: { command: [sh, -c, 'echo run >> marker'] }
templates:
  - source: db.tmpl
    to: out/db.ini
    on_change: { command: [sh, -c, 'echo run >> marker'] }
`,
    );
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId },
    });
    const following = followPlans(agent, clock);
    await agent.waitForLog(msg('renewing'));
    const before = JSON.parse(await readFile(join(dir.path, 'out', 'creds.json'), 'utf8'));
    const firstAccessor = agent.lines().find(msg('logged in with AppRole'))?.accessor;

    // When the re-fetch reaches Vault, is the old token (and with it the old lease) still alive?
    let oldTokenAliveAtRefetch: boolean | undefined;
    await vault.waitFor(
      (r) => {
        if (r.path !== 'database/creds/app' || credReads(vault).length < 2) return false;
        oldTokenAliveAtRefetch ??=
          vault.core.tokens.lookupAccessor(String(firstAccessor)) !== undefined;
        return true;
      },
      { timeoutMs: 15_000 },
    );
    await eventually(
      () => textOf(join(dir.path, 'marker')),
      (text) => text.length > 0,
    );
    expect(logins(vault).length).toBeGreaterThanOrEqual(2);
    const secondLogin = logins(vault)[1];
    const refetch = credReads(vault)[1];
    expect(refetch).toBeDefined();
    // Fetched again under the new token, while the old one was still alive.
    expect(vault.requests.indexOf(refetch as never)).toBeGreaterThan(
      vault.requests.indexOf(secondLogin as never),
    );
    expect(oldTokenAliveAtRefetch).toBe(true);
    const after = JSON.parse(await readFile(join(dir.path, 'out', 'creds.json'), 'utf8'));
    expect(after.username).not.toBe(before.username);
    expect(await readFile(join(dir.path, 'out', 'db.ini'), 'utf8')).toBe(
      `user=${after.username}\n`,
    );
    // The new credentials belong to the new token: revoking the old one leaves them alive.
    vault.revokeToken(String(firstAccessor));
    expect(databaseEngine(vault).liveUsers()).toContain(after.username);

    const result = await agent.stop();
    await following;
    expect(result.code).toBe(0);
    // Two files changed per rotation, one action each time (coalesced).
    const runs = (await textOf(join(dir.path, 'marker'))).split('\n').filter(Boolean).length;
    expect(runs).toBe(credReads(vault).length - 1);
    expectNoSecrets(result, {
      secretId,
      roleId: app.roleId,
      before: before.password,
      after: after.password,
    });
  });

  it('with a wrapped (spent) secret ID exits 75 before the token expires, saying when and why', async () => {
    const clock = new ManualClock(Date.now());
    await using vault = await startVaultServer({ clock });
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault, { token_ttl: '2s', token_max_ttl: '4s' });
    const wrapped = await app.wrappedSecretId();
    const config = await writeAgentConfig(dir.path, 'token: { sink: { path: out/token } }\n');
    await using agent = startKeyturn(['agent', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: wrapped },
    });
    const following = followPlans(agent, clock);
    const result = await agent.done;
    await following;
    const token = (await readFile(join(dir.path, 'out', 'token'), 'utf8')).trim();
    // Still valid: keyturn left before the token did.
    expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(200);
    expect(result.code).toBe(75);
    const warning = agent.lines().find(msg('cannot be renewed any more'));
    expect(warning?.level).toBe('error');
    expect(warning?.msg).toMatch(/response-wrapped/);
    expect(warning?.msg).toMatch(/exits with 75 at/);
    // Its plan: leave before the token's expiry, as recorded for `status`.
    const state = JSON.parse(
      await readFile(join(await configStateDir(join(dir.path, 'state')), 'state.json'), 'utf8'),
    );
    expect(Date.parse(String(warning?.expiresAt))).toBe(state.token.expiresAt);
    expect(Date.parse(String(warning?.exitAt))).toBeLessThan(state.token.expiresAt);
    expect(logins(vault)).toHaveLength(1);
    expectNoSecrets(result, { wrapped, roleId: app.roleId, token });
  });
});
