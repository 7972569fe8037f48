import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOnChangeScheduler } from '../../src/agent/on-change-scheduler.ts';
import type { OnChange } from '../../src/config/config-types.ts';
import { FakeTime } from '../timing/fake-time.ts';
import { memoryOutput } from './renewer-harness.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyturn-on-change-'));
  await writeFile(join(dir, 'app.pid'), '4321\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A scheduler on fake time whose signal action records each run as [time, files]. */
function world() {
  const time = new FakeTime(0);
  const runs: [number, string[]][] = [];
  const controller = new AbortController();
  const out = memoryOutput();
  const action: OnChange = { kind: 'signal', signal: 'SIGHUP', pidFile: join(dir, 'app.pid') };
  let pendingFiles: string[] = [];
  const scheduler = createOnChangeScheduler({
    cwd: dir,
    uid: process.getuid?.() ?? 0,
    env: {},
    out,
    signal: controller.signal,
    clock: time,
    timers: time,
    kill: () => {
      runs.push([time.now(), pendingFiles]);
    },
  });
  const change = (files: string[], waitMs = 1000) => {
    pendingFiles = files;
    scheduler.changed([{ action, files, waitMs }]);
  };
  /** Runs start on a timer and read the pid file: wait (with a deadline) until `n` ran. */
  const ran = async (n: number) => {
    const deadline = Date.now() + 3000;
    while (runs.length < n) {
      if (Date.now() > deadline) throw new Error(`${runs.length} on_change runs, not ${n}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return { time, runs, change, controller, out, ran };
}

describe('on_change_wait: one run per burst of rotations (SPEC §6)', () => {
  it('two rotations 105 ms apart make one run, 1 s after the second', async () => {
    const w = world();
    w.change(['/o/a']);
    await w.time.advance(105);
    w.change(['/o/b']);
    await w.time.advance(999);
    expect(w.runs).toEqual([]); // runs start only from a timer, and none was due yet
    await w.time.advance(1);
    await w.ran(1);
    expect(w.runs.map(([at]) => at)).toEqual([1105]);
    await w.time.advance(10_000);
    expect(w.runs).toHaveLength(1);
  });

  it('a secret that keeps changing still gets its action at 10x the wait after the first change', async () => {
    const w = world();
    for (let at = 0; at < 20_000; at += 500) {
      w.change(['/o/flapping']);
      await w.time.advance(500);
      // Let a run that just became due read its pid file before time moves on.
      if ((at + 500) % 10_000 === 0) await w.ran((at + 500) / 10_000);
    }
    expect(w.runs.map(([at]) => at)).toEqual([10_000, 20_000]);
  });

  it('a wait of 0 runs at once; a change after a run schedules the next one', async () => {
    const w = world();
    w.change(['/o/a'], 0);
    await w.time.advance(0);
    await w.ran(1);
    w.change(['/o/a'], 0);
    await w.time.advance(0);
    await w.ran(2);
    expect(w.runs.map(([at]) => at)).toEqual([0, 0]);
  });

  it('keyturn stopping drops what is pending, and says so', async () => {
    const w = world();
    w.change(['/o/a']);
    w.controller.abort();
    await w.time.advance(5000);
    expect(w.runs).toEqual([]);
    expect(w.time.pending).toBe(0);
    expect(w.out.lines.some((l) => l.msg === 'on_change not run: keyturn is stopping')).toBe(true);
  });
});
