import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

// Credentials in the environment of every run: whatever a command does, none may be printed.
const env = {
  VAULT_ADDR: 'http://127.0.0.1:9',
  VAULT_TOKEN: 'hvs.skeleton-token-0123456789',
  VAULT_ROLE_ID: 'role-id-skeleton-0123456789',
  VAULT_SECRET_ID: '8f1c2a6e-7d3b-4c59-9e0a-1b2c3d4e5f60',
};
const secrets = {
  token: env.VAULT_TOKEN,
  roleId: env.VAULT_ROLE_ID,
  secretId: env.VAULT_SECRET_ID,
};

/** A Node stack frame on stderr means an error escaped the typed-error path (SPEC §7: 70). */
const expectNoStack = (result: RunResult) => expect(result.stderr).not.toMatch(/^\s+at /m);

describe('keyturn CLI skeleton', () => {
  it('--help lists every command of SPEC §1 and the global flags', async () => {
    const result = await runKeyturn(['--help'], { env });
    expect(result.code).toBe(0);
    const commands = [
      'prestart',
      'agent',
      'exec',
      'status',
      'check',
      'issue-secret-id',
      'launch',
      'operator',
      'backup',
      'restore',
      'config',
    ];
    for (const command of commands)
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    for (const flag of [
      '--config',
      '--log-level',
      '--log-format',
      '--secret',
      '--input-json',
      '--version',
      '--help',
    ]) {
      expect(result.stdout).toContain(flag);
    }
    const operator = await runKeyturn(['operator', '--help'], { env });
    expect(operator.code).toBe(0);
    for (const sub of ['init', 'unseal', 'status'])
      expect(operator.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    expectNoSecrets(result, secrets);
    expectNoSecrets(operator, secrets);
  });

  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await runKeyturn(['--version'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
    expectNoSecrets(result, secrets);
  });

  it.each([
    ['an unknown command', ['bogus'], /unknown command 'bogus'/],
    ['an unknown global flag', ['--bogus', 'prestart'], /unknown option '--bogus'/],
    ['an unknown command flag', ['check', '--bogus'], /unknown option '--bogus'/],
    ['a bad --log-level', ['--log-level', 'loud', 'check'], /loud/],
    ['a missing required option', ['issue-secret-id'], /--role/],
  ])('%s exits 64 with the problem on stderr', async (_label, args, message) => {
    await using dir = await tempDir();
    const result = await runKeyturn(args, { env, cwd: dir.path });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expectNoStack(result);
    expectNoSecrets(result, secrets);
  });

  it('a user error is one log line without a stack, even at debug level', async () => {
    await using dir = await tempDir();
    const result = await runKeyturn(
      ['prestart', '--log-level', 'debug', '--config', 'missing.yaml'],
      {
        env,
        cwd: dir.path,
      },
    );
    expect(result.code).toBe(64);
    const errors = logLines(result).filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain('missing.yaml');
    expect(result.stderr).not.toContain('stack');
    expectNoStack(result);
    expectNoSecrets(result, secrets);
  });
});
