import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine, filesUnder, labelled, recordTokens, runPrestart } from './fetch-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

const password = 'transient-pass-4242';
const secrets = `secrets:
  - { path: secret/app/db, field: password, to: out/db }
`;

async function world() {
  const vault = await startVaultServer();
  await mountEngines(vault);
  const app = await setupApp(vault);
  await vault.write('secret/data/app/db', { data: { password } });
  const tokens = recordTokens(vault);
  return { vault, app, tokens };
}

const readStatuses = (vault: { requests: { path: string; status: number }[] }) =>
  vault.requests.filter((r) => r.path === 'secret/data/app/db').map((r) => r.status);

describe('keyturn prestart: transient failures are retried (SPEC §3 retry)', () => {
  it.each([
    [500, 3],
    [502, 2],
    [412, 2],
    [429, 1],
  ])('%i answered %i times, then the read succeeds', async (status, times) => {
    const { vault, app, tokens } = await world();
    await using _vault = vault;
    await using dir = await tempDir();
    vault.failNext(times, { status, path: 'secret/data/app/db', errors: ['injected'] });
    const { result, secretId } = await runPrestart(vault, app, dir.path, secrets);
    expect(result.code, result.stderr).toBe(0);
    expect(readStatuses(vault)).toEqual([...Array(times).fill(status), 200]);
    const retries = logLines(result).filter((l) => l.call === 'read secret/app/db');
    expect(retries).toHaveLength(times);
    expect(await readFile(join(dir.path, 'out', 'db'), 'utf8')).toBe(password);
    expectNoSecrets(result, { password, secretId, roleId: app.roleId, ...labelled('t', tokens) });
  });

  it('Vault sealed right after the login: retried until it is unsealed', async () => {
    const { vault, app, tokens } = await world();
    await using _vault = vault;
    await using dir = await tempDir();
    // Both run synchronously as the request is logged, before keyturn's next request is served.
    const sealed = vault
      .waitFor((r) => r.path === 'auth/approle/login' && r.status === 200, { timeoutMs: 10_000 })
      .then(() => vault.seal());
    const unsealed = vault
      .waitFor((r) => r.status === 503, { timeoutMs: 10_000 })
      .then(() => vault.unseal());
    const { result, secretId } = await runPrestart(vault, app, dir.path, secrets);
    await Promise.all([sealed, unsealed]);
    expect(result.code, result.stderr).toBe(0);
    const afterLogin = vault.requests.slice(
      vault.requests.findIndex((r) => r.path === 'auth/approle/login') + 1,
    );
    expect(afterLogin[0]?.status).toBe(503);
    expect(readStatuses(vault).at(-1)).toBe(200);
    expect(await readFile(join(dir.path, 'out', 'db'), 'utf8')).toBe(password);
    expectNoSecrets(result, { password, secretId, roleId: app.roleId, ...labelled('t', tokens) });
  });

  it('connection refused and reset after the login: retried until Vault is back', async () => {
    const { vault, app, tokens } = await world();
    await using _vault = vault;
    await using dir = await tempDir();
    const stopped = vault
      .waitFor((r) => r.path.startsWith('sys/internal/ui/mounts/'), { timeoutMs: 10_000 })
      .then(() => vault.stop());
    let stderr = '';
    let restarted: Promise<void> | undefined;
    const { result, secretId } = await runPrestart(vault, app, dir.path, secrets, {
      onStderr: (chunk) => {
        stderr += chunk;
        // Back only once keyturn has met the closed port (after the reset of its open socket).
        if (!restarted && stderr.includes('ECONNREFUSED'))
          restarted = stopped.then(() => vault.start());
      },
    });
    await restarted;
    expect(result.code, result.stderr).toBe(0);
    const retried = logLines(result)
      .filter((l) => String(l.msg).endsWith('failed; retrying'))
      .map((l) => String(l.error));
    expect(retried.some((e) => e.includes('ECONNREFUSED'))).toBe(true);
    expect(await readFile(join(dir.path, 'out', 'db'), 'utf8')).toBe(password);
    expectNoSecrets(result, { password, secretId, roleId: app.roleId, ...labelled('t', tokens) });
  });

  it('429 with Retry-After: the retry waits at least that long', async () => {
    const { vault, app, tokens } = await world();
    await using _vault = vault;
    await using dir = await tempDir();
    vault.failNext(1, { status: 429, path: 'secret/data/app/db', retryAfterSeconds: 1 });
    // Backoff alone would retry within 50 ms; max 3s leaves room for the 1 s Vault asked for.
    const { result, secretId } = await runPrestart(vault, app, dir.path, secrets, {
      vault: 'vault: { timeout: 2s, retry: { initial: 50ms, max: 3s, give_up_after: 5s } }',
    });
    expect(result.code, result.stderr).toBe(0);
    const reads = vault.requests.filter((r) => r.path === 'secret/data/app/db');
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
    const [limited, served] = reads as [(typeof reads)[0], (typeof reads)[0]];
    // Server clock: the 429 is stamped as it is sent, the retry as it is answered — later still.
    expect(served.time - limited.time).toBeGreaterThanOrEqual(1000 - 5);
    const retry = logLines(result).find((l) => l.call === 'read secret/app/db');
    expect(retry?.retryInMs).toBeGreaterThanOrEqual(1000);
    expectNoSecrets(result, { password, secretId, roleId: app.roleId, ...labelled('t', tokens) });
  });

  it('a read that stays unavailable gives up after give_up_after: exit 69, token revoked, nothing written', async () => {
    const { vault, app, tokens } = await world();
    await using _vault = vault;
    await using dir = await tempDir();
    vault.failNext(1000, { status: 503, path: /^secret\/data\//, errors: ['Vault is sealed'] });
    const { result, secretId } = await runPrestart(vault, app, dir.path, secrets, {
      vault: 'vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 1s } }',
    });
    expect(result.code).toBe(69);
    expect(errorLine(result).msg).toMatch(/gave up after .* attempt/);
    const reads = vault.requests.filter((r) => r.path === 'secret/data/app/db');
    // As many reads as keyturn says it made: at least the first (give_up_after counts from the
    // start-up, so how many retries fit depends on how fast the machine started keyturn).
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(errorLine(result).msg).toContain(`and ${reads.length} attempt(s)`);
    expect(reads.every((r) => r.status === 503)).toBe(true);
    // It kept trying until the start-up's deadline (give_up_after counts from the start, so
    // how much of the second the reads had depends on how fast the machine started keyturn;
    // it gives up only once the deadline has passed), and not much longer, by keyturn's own clock (spawn and start-up are not its to judge):
    // from the first failure to giving up, at most give_up_after + one request (timeout 2s)
    // + one backoff (max 200ms).
    const lines = logLines(result);
    const firstRetry = lines.find((l) => l.call === 'read secret/app/db');
    expect(
      Date.parse(String(errorLine(result).time)) - Date.parse(String(firstRetry?.time)),
    ).toBeLessThan(1000 + 2000 + 200);
    expect(
      vault.requests.filter((r) => r.path === 'auth/token/revoke-self').map((r) => r.status),
    ).toEqual([204]);
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expectNoSecrets(result, { password, secretId, roleId: app.roleId, ...labelled('t', tokens) });
  });
});
