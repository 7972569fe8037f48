import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  logLines,
  type RunResult,
  runKeyturn,
  testStateBase,
} from './run-keyturn.ts';
import { setupApp, startVaultServer, tempDir, type VaultServer } from './vault-fixture.ts';

/** A Vault whose AppRole tokens live one second: their expiry passes within the test. */
async function shortTokenWorld() {
  const vault = await startVaultServer();
  const app = await setupApp(vault, { token_ttl: '1s', token_max_ttl: '1s' });
  await vault.write('sys/mounts/kv', { type: 'kv', options: { version: '1' } });
  await vault.write('kv/app/api', { key: 'health-api-key-0815', user: 'health-user' });
  return { vault, app };
}

function env(vault: VaultServer, roleId: string, secretId?: string) {
  return { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId };
}

function statusJson(result: RunResult) {
  return JSON.parse(result.stdout) as {
    healthy: boolean;
    stateFile: string;
    accessor?: string;
    checks: { name: string; ok: boolean; detail: string }[];
  };
}

/** Waits (with a deadline, no fixed sleep) until the instant the state file gives has passed. */
async function untilTokenExpired(stateFile: string): Promise<void> {
  const { token } = JSON.parse(await readFile(stateFile, 'utf8'));
  const deadline = Date.now() + 10_000;
  while (Date.now() <= token.expiresAt) {
    if (Date.now() > deadline) throw new Error('the token did not expire');
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, token.expiresAt - Date.now())));
  }
}

const accessorOf = (result: RunResult) =>
  logLines(result).find((line) => line.msg === 'prestart complete')?.accessor;

describe('keyturn status as a HEALTHCHECK (SPEC §1)', () => {
  it('takes the same --secret flags as the prestart, and stays healthy after the unused token expires', async () => {
    const { vault, app } = await shortTokenWorld();
    await using _vault = vault;
    await using dir = await tempDir();
    const secretId = await app.wrappedSecretId();
    const flags = ['--secret', 'kv/app/api=out/api-key:key', '--secret', 'kv/app/api=out/api.json'];
    const prestart = await runKeyturn(['prestart', ...flags], {
      cwd: dir.path,
      env: env(vault, app.roleId, secretId),
    });
    expect(prestart.code, prestart.stderr).toBe(0);

    // The same flags, in another order: the same config, so that run's state.
    const reordered = [...flags.slice(2), ...flags.slice(0, 2)];
    const healthy = await runKeyturn(['status', '--json', ...reordered], { cwd: dir.path });
    expect(healthy.code, healthy.stdout + healthy.stderr).toBe(0);
    const fields = statusJson(healthy);
    // Never the system's state directory, even as root: the test base, one dir per config.
    expect(fields.stateFile.startsWith(`${testStateBase}/flags-`)).toBe(true);
    expect(fields.accessor).toBe(accessorOf(prestart));

    await untilTokenExpired(fields.stateFile);
    const expired = await runKeyturn(['status', ...flags], { cwd: dir.path });
    expect(expired.code, expired.stdout).toBe(0);
    expect(expired.stdout).toMatch(
      /token\s+ok\s+accessor \S+ expired .*unused \(no sink, no renewer\)/,
    );

    // Another config (other flags) is not this run: no state, unhealthy.
    const other = await runKeyturn(['status', '--secret', 'kv/app/api=out/other'], {
      cwd: dir.path,
    });
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/state\s+FAIL\s+no state at .*flags-[0-9a-f]{12}\/state\.json/);

    // No flags and no file: a usage error that says what status needs.
    const bare = await runKeyturn(['status'], { cwd: dir.path });
    expect(bare.code).toBe(64);
    expect(bare.stderr).toMatch(/same flags as the prestart/);
    for (const run of [prestart, healthy, expired, other, bare]) {
      expectNoSecrets(run, { secretId, roleId: app.roleId, apiKey: 'health-api-key-0815' });
    }
  });

  it('with a token sink the expired token is unhealthy, naming the sink', async () => {
    const { vault, app } = await shortTokenWorld();
    await using _vault = vault;
    await using dir = await tempDir();
    const config = join(dir.path, 'keyturn.yaml');
    await writeFile(
      config,
      'token: { sink: { path: out/token } }\nsecrets:\n  - { path: kv/app/api, field: key, to: out/api-key }\n',
    );
    const secretId = await app.wrappedSecretId();
    const prestart = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: env(vault, app.roleId, secretId),
    });
    expect(prestart.code, prestart.stderr).toBe(0);
    const token = (await readFile(join(dir.path, 'out', 'token'), 'utf8')).trim();
    // (Only to learn where the state is: a one-second token may already have expired.)
    const first = await runKeyturn(['status', '--json', '--config', config], { cwd: dir.path });
    await untilTokenExpired(statusJson(first).stateFile);
    const expired = await runKeyturn(['status', '--config', config], { cwd: dir.path });
    expect(expired.code).toBe(1);
    expect(expired.stdout).toMatch(
      /token\s+FAIL\s+accessor \S+ expired .*used by the sink .*out\/token/,
    );
    for (const run of [prestart, first, expired]) {
      expectNoSecrets(run, { secretId, token, roleId: app.roleId, apiKey: 'health-api-key-0815' });
    }
  });

  it('two configs on one host keep their own state: each status reports its own token', async () => {
    const { vault, app } = await shortTokenWorld();
    await using _vault = vault;
    await using dir = await tempDir();
    const runs: { config: string; prestart: RunResult; secretId: string }[] = [];
    for (const name of ['a', 'b']) {
      const config = join(dir.path, `${name}.yaml`);
      await writeFile(config, `secrets:\n  - { path: kv/app/api, field: key, to: out/${name} }\n`);
      const secretId = await app.wrappedSecretId();
      const prestart = await runKeyturn(['prestart', '--config', config], {
        cwd: dir.path,
        env: env(vault, app.roleId, secretId),
      });
      expect(prestart.code, prestart.stderr).toBe(0);
      runs.push({ config, prestart, secretId });
    }
    const seen = new Set<string>();
    for (const { config, prestart, secretId } of runs) {
      const result = await runKeyturn(['status', '--json', '--config', config], { cwd: dir.path });
      expect(result.code, result.stdout).toBe(0);
      const fields = statusJson(result);
      expect(fields.accessor).toBe(accessorOf(prestart));
      seen.add(fields.stateFile);
      expectNoSecrets(result, { secretId, roleId: app.roleId });
      expectNoSecrets(prestart, { secretId, roleId: app.roleId });
    }
    expect(seen.size).toBe(2);
  });
});
