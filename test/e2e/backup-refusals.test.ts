import { spawn } from 'node:child_process';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allValues,
  backup,
  expectOk,
  kvWrites,
  passphrase,
  restore,
  seed,
} from './backup-world.ts';
import { cliEnv, cliPath, expectNoSecrets, type RunResult } from './run-keyturn.ts';
import { startVaultServer, tempDir } from './vault-fixture.ts';

// scrypt at 128 MiB per run: seconds on a busy machine.
const slow = { timeout: 120_000 };

let archive: Buffer;

beforeAll(async () => {
  await using vault = await startVaultServer();
  await using dir = await tempDir();
  await seed(vault, 'secret', 'app/', 2);
  expectOk(await backup(vault, ['--prefix', 'secret/app/', '--out', 'app.ktb'], dir.path));
  archive = await readFile(join(dir.path, 'app.ktb'));
}, 120_000);

/** Restores `bytes` into a fresh server; returns the run and the KV writes it made. */
async function restoreBytes(bytes: Buffer, stdin = { passphrase }) {
  await using vault = await startVaultServer();
  await using dir = await tempDir();
  await writeFile(join(dir.path, 'in.ktb'), bytes);
  vault.requests.length = 0;
  const result = await restore(vault, ['--in', 'in.ktb'], dir.path, stdin);
  return { result, writes: kvWrites(vault), requests: vault.requests.length };
}

function expectRefused(run: { result: RunResult; requests: number }, message: RegExp) {
  expect(run.result.code, run.result.stderr).toBe(65);
  expect(run.result.stderr).toMatch(message);
  // Verified before Vault is contacted at all: not even the token lookup was sent.
  expect(run.requests).toBe(0);
  expectNoSecrets(run.result, allValues({ wrong: 'not the passphrase at all' }));
}

describe('keyturn restore refuses an archive it cannot trust, before touching Vault', () => {
  it('a wrong passphrase: 65, nothing written', slow, async () => {
    const run = await restoreBytes(archive, { passphrase: 'not the passphrase at all' });
    expectRefused(run, /passphrase is wrong or the archive was altered/);
  });

  it.each([
    ['a flipped bit in the ciphertext', (b: Buffer) => flip(b, b.length - 40), /altered/],
    [
      'a flipped bit in the header (its AAD)',
      (b: Buffer) => Buffer.from(b.toString('latin1').replace('"p":1', '"p":2'), 'latin1'),
      /altered/,
    ],
    ['the last bytes cut off', (b: Buffer) => b.subarray(0, b.length - 7), /truncated/],
    ['bytes appended', (b: Buffer) => Buffer.concat([b, Buffer.from('x')]), /altered/],
    ['not an archive at all', () => Buffer.from('hello\n'), /not a keyturn backup header/],
  ])('%s: 65, nothing written', slow, async (_label, tamper, message) => {
    expectRefused(await restoreBytes(tamper(archive)), message);
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

describe('keyturn backup input and interruption', () => {
  it('refuses a missing, short or unreadable passphrase without echoing it (64)', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const none = await backup(
      vault,
      ['--prefix', 'secret/app/', '--out', 'a.ktb'],
      dir.path,
      {} as never,
    );
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('is missing');
    const short = await backup(vault, ['--prefix', 'secret/', '--out', 'a.ktb'], dir.path, {
      passphrase: 'short-pw',
    });
    expect(short.code).toBe(64);
    expect(short.stderr).toContain('at least 12 characters');
    expectNoSecrets(short, { pw: 'short-pw' });
    expect(await readdir(dir.path)).toEqual([]);
    expect(vault.requests.filter((r) => r.path.startsWith('secret/'))).toEqual([]);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGKILL', null],
  ] as const)(
    'killed mid-way by %s: no archive at the destination, ever',
    slow,
    async (signal, code) => {
      await using vault = await startVaultServer();
      await using dir = await tempDir();
      for (let i = 0; i < 120; i += 1) {
        await vault.write(`secret/data/big/s${String(i).padStart(3, '0')}`, {
          data: { v: `value-${i}-secret` },
        });
      }
      vault.setLatency(100);
      const child = spawn(
        process.execPath,
        [cliPath, 'backup', '--input-json', '--prefix', 'secret/big/', '--out', 'big.ktb'],
        {
          cwd: dir.path,
          env: cliEnv({ VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken }),
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      child.stdin.end(JSON.stringify({ passphrase }));
      const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      // Reads have begun, so the temporary archive exists and is being written.
      await vault.waitFor((r) => r.method === 'GET' && r.path === 'secret/data/big/s020', {
        timeoutMs: 60_000,
      });
      const during = await readdir(dir.path);
      expect(during.filter((n) => n.startsWith('.keyturn-tmp-'))).toHaveLength(1);
      child.kill(signal);
      expect(await exited).toBe(code);
      const after = await readdir(dir.path);
      expect(after).not.toContain('big.ktb');
      if (signal === 'SIGTERM') expect(after).toEqual([]);
      else {
        // A SIGKILL skips every cleanup: what remains is the encrypted temporary file, 0600.
        for (const name of after)
          expect((await lstat(join(dir.path, name))).mode & 0o777).toBe(0o600);
      }
      expect(output).not.toContain('value-1-secret');
      expect(output).not.toContain(passphrase);
    },
  );
});
