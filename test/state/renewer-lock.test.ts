import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStartTime } from '../../src/state/process-alive.ts';
import {
  acquireRenewerLock,
  lockHolderFile,
  peekRenewerLock,
  type RenewerLock,
} from '../../src/state/renewer-lock.ts';

let dir: string;
const held: RenewerLock[] = [];
const paths = () => ({ lockFile: join(dir, 'state', 'renewer.lock') });
const uid = process.getuid?.() ?? 0;

/** A pid that surely is not running: a child that has already exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  return child.pid ?? 0;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyturn-lock-'));
});
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
  await rm(dir, { recursive: true, force: true });
});

describe('acquireRenewerLock: one renewer per config (SPEC §6)', () => {
  it('creates the state directory 0700, records the holder, and a second locker learns its pid', async () => {
    const first = await acquireRenewerLock(paths(), process.pid, { uid });
    held.push(first);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(lockHolderFile(paths()), 'utf8')).pid).toBe(process.pid);
    expect((await stat(lockHolderFile(paths()))).mode & 0o777).toBe(0o600);

    const second = acquireRenewerLock(paths(), 4_000_000, { uid });
    await expect(second).rejects.toMatchObject({
      exitCode: 64,
      message: expect.stringContaining(`pid ${process.pid}`),
      details: { pid: process.pid },
    });
    expect(await peekRenewerLock(paths(), 4_000_000)).toEqual({ pid: process.pid });
  });

  it('takes over a lock left by a dead process', async () => {
    const dead = deadPid();
    await mkdir(paths().lockFile, { recursive: true, mode: 0o700 });
    await writeFile(
      lockHolderFile(paths()),
      JSON.stringify({ pid: dead, host: hostname(), since: '' }),
    );
    expect(await peekRenewerLock(paths(), process.pid)).toBeUndefined();

    const lock = await acquireRenewerLock(paths(), process.pid, { uid });
    held.push(lock);
    expect(JSON.parse(await readFile(lockHolderFile(paths()), 'utf8')).pid).toBe(process.pid);
  });

  it('takes over a lock whose pid now names another process (a restarted container reuses pids)', async () => {
    // A live pid on this host (a sleeping child), recorded with a start time it does not have.
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await mkdir(paths().lockFile, { recursive: true, mode: 0o700 });
      const holder = { pid: other.pid, host: hostname(), since: '', started: '1' };
      await writeFile(lockHolderFile(paths()), JSON.stringify(holder));
      expect(await peekRenewerLock(paths(), process.pid)).toBeUndefined();
      // The same pid with its real start time is a live holder: the lock stays taken.
      const real = processStartTime(other.pid as number);
      expect(real).toMatch(/^\d+$/);
      await writeFile(lockHolderFile(paths()), JSON.stringify({ ...holder, started: real }));
      expect(await peekRenewerLock(paths(), process.pid)).toEqual({ pid: other.pid });
    } finally {
      other.kill();
    }
  });

  it('records its own start time with its pid', async () => {
    held.push(await acquireRenewerLock(paths(), process.pid, { uid }));
    const holder = JSON.parse(await readFile(lockHolderFile(paths()), 'utf8'));
    expect(holder.started).toBe(processStartTime(process.pid));
  });

  it('does not judge a pid recorded on another host (another pid namespace) dead', async () => {
    await mkdir(paths().lockFile, { recursive: true, mode: 0o700 });
    await writeFile(
      lockHolderFile(paths()),
      JSON.stringify({ pid: deadPid(), host: 'some-other-container', since: '' }),
    );
    await expect(acquireRenewerLock(paths(), process.pid, { uid })).rejects.toMatchObject({
      exitCode: 64,
    });
  });

  it('a lock without a recorded holder is still a lock (until it goes stale)', async () => {
    await mkdir(paths().lockFile, { recursive: true, mode: 0o700 });
    await expect(acquireRenewerLock(paths(), process.pid, { uid })).rejects.toThrow(
      /another renewer already runs/,
    );
  });

  it('release frees it for the next renewer and removes the holder record', async () => {
    const first = await acquireRenewerLock(paths(), process.pid, { uid });
    await first.release();
    await expect(stat(paths().lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(lockHolderFile(paths()))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await peekRenewerLock(paths(), 4_000_000)).toBeUndefined();
    const again = await acquireRenewerLock(paths(), process.pid, { uid });
    held.push(again);
    expect(again.lost.aborted).toBe(false);
  });
});
