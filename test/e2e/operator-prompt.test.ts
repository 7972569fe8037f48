import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startVaultServer } from '../vault-server/index.ts';
import { cliEnv, cliPath } from './run-keyturn.ts';

// util-linux `script` gives keyturn a real terminal (a pty) as stdin, as an operator has.
const hasScript = existsSync('/usr/bin/script');

/** Runs keyturn on a pty; `answer` is typed once `prompt` has appeared (echo is off by then). */
function onTerminal(args: string[], env: Record<string, string>, prompt: string, answer: string) {
  const command = [process.execPath, cliPath, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: cliEnv(env),
    stdio: 'pipe',
  });
  let output = '';
  let typed = false;
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (!typed && output.includes(prompt)) {
      typed = true;
      child.stdin.write(`${answer}\r`);
    }
  });
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
}

describe.skipIf(!hasScript)('operator unseal on a terminal', () => {
  it('asks for the share without echoing it, and unseals', { timeout: 60_000 }, async () => {
    await using vault = await startVaultServer({ sealed: true });
    const [share] = vault.unsealKeys;
    if (!share) throw new Error('no share');
    const result = await onTerminal(
      ['operator', 'unseal', '--addr', vault.addr],
      {},
      'unseal key (will be hidden): ',
      share,
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('submitted\tunsealed');
    expect(result.output).not.toContain(share);
    expect((await vault.read('sys/seal-status', null)).body.sealed).toBe(false);
  });
});
