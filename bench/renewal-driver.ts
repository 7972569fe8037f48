// The in-process half of renewal-cycles.ts: runs runRenewer on fake time, drives it one
// renewal after another, and samples heap, RSS, handles and listeners after forced GCs.
import { getEventListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as macrotask } from 'node:timers/promises';
import { runRenewer } from '../src/agent/run-renewer.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { createOutput } from '../src/log/output.ts';
import type { Redactor } from '../src/log/redactor.ts';
import { createPromMetrics } from '../src/metrics/prom-metrics.ts';
import type { SecretData } from '../src/sources/read-secret.ts';
import type { Timers } from '../src/timing/clock.ts';
import type { VaultClient } from '../src/vault/client.ts';
import { FakeTime } from '../test/timing/fake-time.ts';
import { mulberry32 } from './fleet-spread.ts';
import { type Counted, memorySample, type Sample } from './memory-sample.ts';

export type { Sample } from './memory-sample.ts';

export const CONFIG = `vault: { retry: { initial: 250ms, max: 30s } }
secrets:
  - { path: database/creds/app, format: json, to: out/creds.json }
  - { path: kv/app/cfg, kv_version: 1, format: json, to: out/cfg.json, refresh: 2h }
`;

export interface DriveOptions {
  cycles: number;
  sampleEvery: number;
  /** Positive control: leak one abort listener per token renewal, as a broken sleep would. */
  leak: boolean;
  /** Builds the client; it calls `count` once per request, with the path. */
  client: (time: FakeTime, count: (path: string) => void, redactor: Redactor) => VaultClient;
  token: { token: string; accessor: string; ttlMs: number };
  secrets: SecretData[];
}

/** Wraps FakeTime so the driver knows when the next timer is due and how many are armed. */
function dueTimers(time: FakeTime): Timers & { due: Map<unknown, number> } {
  const due = new Map<unknown, number>();
  return {
    due,
    setTimeout(callback, ms) {
      const handle = time.setTimeout(() => {
        due.delete(handle);
        callback();
      }, ms);
      due.set(handle, time.now() + Math.max(0, ms));
      return handle;
    },
    clearTimeout(handle) {
      due.delete(handle);
      time.clearTimeout(handle);
    },
  };
}

/** Waits (on real time, via macrotasks so file I/O completes) until `ok` holds. */
async function settle(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`renewer stuck waiting for ${what}`);
    await macrotask();
  }
}

/** Starts runRenewer on fake time in a fresh tmpfs directory, logging to /dev/null. */
async function startRenewer(options: DriveOptions, time: FakeTime, count: (path: string) => void) {
  const timers = dueTimers(time);
  // tmpfs when there is one, like /run/keyturn where root's state lives: a disk's fsyncs
  // (two per state write) would make the bench slow, and they hold no memory.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = await mkdtemp(join(base, 'keyturn-cycles-'));
  const devNull = await open('/dev/null', 'w');
  const out = await createOutput({
    level: 'info',
    format: 'json',
    logFd: devNull.fd,
    printFd: devNull.fd,
  });
  const controller = new AbortController();
  const login = {
    ...options.token,
    renewable: true,
    policies: ['app'],
    tokenType: 'service',
    owned: true,
  };
  const done = runRenewer({
    config: loadConfig(CONFIG, join(dir, 'keyturn.yaml'), dir),
    client: options.client(time, count, out.redactor),
    out,
    signal: controller.signal,
    cwd: dir,
    uid: process.getuid?.() ?? 0,
    clock: time,
    timers,
    random: mulberry32(42),
    env: {},
    metrics: createPromMetrics({ version: 'bench' }, time).metrics,
    start: {
      login: { ...login, issuedAtMs: 0 },
      fetched: { secrets: options.secrets, certs: [] },
      certLifetimes: [],
      files: { written: [], unchanged: [], changedGroups: [] },
    },
    stateFile: join(dir, 'state', 'state.json'),
  });
  const stop = async () => {
    controller.abort();
    await done.catch(() => undefined);
    await devNull.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { timers, out, signal: controller.signal, done, stop };
}

/** Runs the renewer for `cycles` token renewals; returns one sample per `sampleEvery`. */
export async function drive(
  options: DriveOptions,
): Promise<{ samples: Sample[]; seconds: number }> {
  const time = new FakeTime(0);
  const counts = new Map<string, number>();
  const count = (path: string) => counts.set(path, (counts.get(path) ?? 0) + 1);
  const renewals = () => counts.get('auth/token/renew-self') ?? 0;
  const renewer = await startRenewer(options, time, count);
  let failure: unknown;
  renewer.done.catch((error: unknown) => {
    failure = error;
  });
  const armed = (): boolean => {
    if (failure) throw failure;
    return renewer.timers.due.size === 3; // token, lease and KV refresh loops, each asleep
  };
  const counted = (cycle: number): Counted => ({
    fakeTimers: time.pending,
    abortListeners: getEventListeners(renewer.signal, 'abort').length,
    redactorSize: renewer.out.redactor.size,
    tokenRenewals: cycle,
    leaseRenewals: counts.get('sys/leases/renew') ?? 0,
    refreshes: counts.get('kv/app/cfg') ?? 0,
  });
  const samples: Sample[] = [];
  let leakedAt = 0;
  const started = performance.now();
  try {
    await settle(armed, 'the first schedules');
    while (renewals() < options.cycles) {
      await time.advance(Math.min(...renewer.timers.due.values()) - time.now());
      await settle(armed, 'the loops to sleep again');
      time.requested.length = 0; // FakeTime records every delay: not the renewer's memory
      const cycle = renewals();
      if (options.leak && cycle !== leakedAt) {
        renewer.signal.addEventListener('abort', () => undefined);
        leakedAt = cycle;
      }
      if (cycle % options.sampleEvery === 0 && cycle > (samples.at(-1)?.cycle ?? 0))
        samples.push(await memorySample(cycle, counted(cycle)));
    }
    return { samples, seconds: (performance.now() - started) / 1000 };
  } finally {
    await renewer.stop();
  }
}
