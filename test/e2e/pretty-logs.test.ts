import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliEnv, expectNoSecrets, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

const ESC = '\u001b[';
const demoScript = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));

describe('pretty logs are in colour only on a terminal', () => {
  it('--log-format pretty into a pipe: readable lines, no escape codes', async () => {
    await using dir = await tempDir();
    const result = await runKeyturn(
      ['prestart', '--log-format', 'pretty', '--secret', 'secret/app/db=out/db.json'],
      { cwd: dir.path, env: { VAULT_ADDR: 'http://127.0.0.1:1', VAULT_SECRET_ID: 'x' } },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ERROR/);
    expect(result.stderr).not.toContain(ESC);
  });

  it('npm run demo into a pipe prints no ANSI codes, and no secret', async () => {
    const child = spawn(process.execPath, [demoScript], {
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('keyturn prestart exited 0');
    expect(output).toMatch(/INFO/);
    expect(output).not.toContain(ESC);
    expectNoSecrets(
      { code, signal: null, stdout: output, stderr: '' },
      { password: 'correct-horse-battery', apiKey: 'sk_live_0123456789abcdef' },
    );
  }, 60_000); // the demo configures a whole Vault and runs keyturn twice
});
