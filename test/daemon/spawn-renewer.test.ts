import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RenewerHandover } from '../../src/daemon/handover.ts';
import { spawnRenewer } from '../../src/daemon/spawn-renewer.ts';
import { isProcessAlive } from '../../src/state/process-alive.ts';
import { lockHolderFile } from '../../src/state/renewer-lock.ts';

const fixture = fileURLToPath(new URL('./fixtures/fake-renewer.ts', import.meta.url));
const token = 'hvs.spawn-test-token-abcdefghijklmnop';
let dir: string;
const started: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyturn-spawn-'));
});
afterEach(async () => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

function handover(): RenewerHandover {
  const state = join(dir, 'state');
  return {
    version: 1,
    config: {
      vault: { tls: {}, timeoutMs: 1000, retry: { initialMs: 1, maxMs: 2, giveUpAfterMs: 3 } },
      auth: {
        method: 'approle',
        mount: 'approle',
        roleId: { kind: 'env', name: 'VAULT_ROLE_ID' },
        secretId: { kind: 'env', name: 'VAULT_SECRET_ID' },
        wrapped: 'auto',
      },
      token: { revokeOnExit: false },
      secrets: [],
      certs: [],
      templates: [],
      exec: {
        onChange: 'restart',
        signal: 'SIGHUP',
        stopSignal: 'SIGTERM',
        stopTimeoutMs: 30_000,
        onChangeWaitMs: 1000,
      },
    },
    start: {
      login: {
        token,
        accessor: 'acc',
        ttlMs: 1000,
        renewable: true,
        policies: [],
        tokenType: 'service',
        issuedAtMs: 0,
        owned: true,
      },
      fetched: { secrets: [], certs: [] },
      certLifetimes: [],
      files: { written: [], unchanged: [], changedGroups: [] },
    },
    stateFile: join(state, 'state.json'),
    lockFile: join(state, 'renewer.lock'),
    logFile: join(state, 'renewer.log'),
    logLevel: 'info',
  };
}

async function spawnFake(behaviour: string, readyTimeoutMs = 10_000) {
  return spawnRenewer({
    execPath: process.execPath,
    args: [fixture, behaviour],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    handover: handover(),
    readyTimeoutMs,
    signal: new AbortController().signal,
  });
}

/** Session id: field 6 of /proc/<pid>/stat, after the parenthesised command name. */
async function sessionOf(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[3]);
}

async function waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('spawnRenewer: the handover over inherited pipes', () => {
  it('hands the token over fd 3 only, waits for ready, and leaves the renewer in its own session', async () => {
    const pid = await spawnFake('run');
    started.push(pid);
    expect(isProcessAlive(pid)).toBe(true);
    expect(await sessionOf(pid)).toBe(pid);
    const seen = JSON.parse(await readFile(join(dir, 'state', 'seen.json'), 'utf8'));
    expect(seen).toEqual({
      tokenLength: token.length,
      secretId: { kind: 'env', name: 'VAULT_SECRET_ID' },
      envHasToken: false,
    });
    expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(token);
    expect(await readFile(`/proc/${pid}/environ`, 'utf8')).not.toContain(token);
    const log = await readFile(join(dir, 'state', 'renewer.log'), 'utf8');
    expect(log).toContain('engine started');
    expect(log).toContain('[REDACTED]');
    expect(log).not.toContain(token);
    expect((await stat(join(dir, 'state', 'renewer.log'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(lockHolderFile(handover()), 'utf8')).pid).toBe(pid);

    // A second renewer for the same state: 64, naming the first, and not left running.
    await expect(spawnFake('run')).rejects.toMatchObject({
      exitCode: 64,
      message: expect.stringContaining(`pid ${pid}`),
    });

    process.kill(pid, 'SIGTERM');
    await waitUntil(() => !isProcessAlive(pid));
    await expect(stat(handover().lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('passes the engine failure back with its exit code and leaves no renewer', async () => {
    const error = await spawnFake('fail').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ exitCode: 77, message: 'the stand-in engine refuses' });
    expect(isProcessAlive((error as { details: { renewerPid: number } }).details.renewerPid)).toBe(
      false,
    );
    await expect(stat(handover().lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('kills a renewer that never says ready', async () => {
    const error = await spawnFake('hang', 1500).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/not ready within 1500 ms/);
    expect((error as { exitCode: number }).exitCode).toBe(70);
    const pid = (error as { details: { renewerPid: number } }).details.renewerPid;
    expect(pid).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(false);
  });
});
