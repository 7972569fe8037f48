import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, killRenewers, renewersIn, startedRenewers, waitUntil } from './daemon-world.ts';
import { cliEnv, expectNoSecrets, type RunResult } from './run-keyturn.ts';
import { mountEngines, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

/**
 * The single executable (`npm run build:sea`, dist/keyturn) run as users run it: no Node in
 * front of it. `.ci/run` builds it and sets KEYTURN_SEA_TESTS=require, so in CI a missing or
 * stale executable fails; elsewhere these tests are skipped with a banner saying why.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const executable = join(root, 'dist/keyturn');

function missingReason(): string | undefined {
  let built: number;
  try {
    built = statSync(executable).mtimeMs;
  } catch {
    return `${executable} is missing (npm run build:sea)`;
  }
  const newer = sources(join(root, 'src')).find((file) => statSync(file).mtimeMs > built);
  return newer ? `${executable} is older than ${newer} (npm run build:sea)` : undefined;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const reason = missingReason();
const required = process.env.KEYTURN_SEA_TESTS === 'require';
if (reason && !required) {
  process.stderr.write(`\nSINGLE-EXECUTABLE TESTS skipped: ${reason}\n\n`);
}

function runExecutable(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      env: cliEnv(options.env),
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

afterEach(killRenewers);

describe.skipIf(reason !== undefined && !required)('the single executable dist/keyturn', () => {
  it('is built and current', () => {
    expect(reason).toBeUndefined();
  });

  it('prints its version with no Node in front of it', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    const result = await runExecutable(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
    // No "experimental feature" warning or anything else on stderr.
    expect(result.stderr).toBe('');
  });

  it('runs prestart --daemon (files, modes, a renewer that is itself) and status', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await mountEngines(vault);
    const app = await setupApp(vault);
    await vault.write('secret/data/app/db', {
      data: { username: 'sea-db-user', password: 'sea-password-42' },
    });
    await vault.write('kv/app/api', { key: 'sea-api-key-0123456789' });
    const wrapped = await app.wrappedSecretId();
    const config = join(dir.path, 'keyturn.yaml');
    await writeFile(
      config,
      `
auth: { approle: { wrapped: true } }
state_dir: state
secrets:
  - { path: secret/app/db, format: yaml, to: out/db.yaml, mode: "0440" }
  - { path: kv/app/api, field: key, to: out/api-key }
certs:
  - { mount: pki, role: web, common_name: app.service.consul, ttl: 1h,
      cert: out/tls/cert.pem, key: out/tls/key.pem }
`,
    );

    const env = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: wrapped };
    const result = await runExecutable(['prestart', '--daemon', '--config', config], {
      cwd: dir.path,
      env,
    });
    const renewers = await renewersIn(dir.path);
    for (const pid of renewers) startedRenewers.add(pid);

    expect(result.code, result.stderr).toBe(0);
    const out = (name: string) => join(dir.path, 'out', name);
    expect(await readFile(out('db.yaml'), 'utf8')).toBe(
      'password: sea-password-42\nusername: sea-db-user\n',
    );
    expect(await mode(out('db.yaml'))).toBe(0o440);
    expect(await readFile(out('api-key'), 'utf8')).toBe('sea-api-key-0123456789');
    expect(await mode(out('api-key'))).toBe(0o400);
    const key = await readFile(out('tls/key.pem'), 'utf8');
    expect(key).toMatch(/^-----BEGIN (EC )?PRIVATE KEY-----/);
    expect(await mode(out('tls/key.pem'))).toBe(0o400);
    expect(await mode(out('tls/cert.pem'))).toBe(0o400);

    // The renewer is the executable itself (`keyturn __renewer`), not Node with a script,
    // with its Node flag passed the one way the executable takes one.
    expect(renewers).toHaveLength(1);
    const renewer = renewers[0] as number;
    const cmdline = (await readFile(`/proc/${renewer}/cmdline`, 'utf8')).split('\0');
    expect(cmdline.slice(0, 3)).toEqual([executable, '--node-options=--jitless', '__renewer']);
    expect(isAlive(renewer)).toBe(true);

    const status = await runExecutable(['status', '--json', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ healthy: true });
    expect(status.stdout).toContain(String(renewer));

    process.kill(renewer, 'SIGTERM');
    await waitUntil('the renewer exits', () => !isAlive(renewer));
    const stopped = await runExecutable(['status', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });
    // A renewer was started and is gone: unhealthy.
    expect(stopped.code).toBe(1);

    for (const run of [result, status, stopped]) {
      expectNoSecrets(run, {
        secretId: wrapped,
        roleId: app.roleId,
        password: 'sea-password-42',
        apiKey: 'sea-api-key-0123456789',
        privateKey: key,
      });
    }
  });
});
