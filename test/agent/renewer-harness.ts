import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type RenewerInput, runRenewer } from '../../src/agent/run-renewer.ts';
import type { Config } from '../../src/config/config-types.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Output } from '../../src/log/output.ts';
import { Redactor } from '../../src/log/redactor.ts';
import type { SecretData } from '../../src/sources/read-secret.ts';
import { FakeTime } from '../timing/fake-time.ts';
import { type Answer, type Call, fakeVault } from './fake-vault.ts';

/** Log lines the renewer wrote, parsed, after redaction. */
export function memoryOutput(): Output & { lines: Record<string, unknown>[] } {
  const redactor = new Redactor();
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = pino(
    { level: 'debug', base: undefined, hooks: { streamWrite: (line) => redactor.redact(line) } },
    sink,
  );
  return { log, redactor, lines, print: () => undefined, printCredential: () => undefined };
}

/** A YAML config (fast retries unless given) as the renewer sees it; relative paths in `cwd`. */
export function testConfig(yaml: string, cwd = '/test'): Config {
  return loadConfig(
    `vault: { retry: { initial: 250ms, max: 30s } }\n${yaml}`,
    join(cwd, 'keyturn.yaml'),
    cwd,
  );
}

export interface RenewerRun {
  time: FakeTime;
  calls: Call[];
  out: ReturnType<typeof memoryOutput>;
  controller: AbortController;
  done: Promise<void>;
  dir: string;
  /** Waits (really) for the renewer to get somewhere; fake time does not move. */
  until(predicate: () => boolean, what?: string): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartOptions {
  /** A config, or one made for the run's temporary directory (for relative paths). */
  config: Config | ((dir: string) => Config);
  handle: (call: Call) => Answer;
  /** The login prestart did, at fake time 0. */
  ttlSeconds: number;
  renewable?: boolean;
  secrets?: SecretData[];
  env?: Record<string, string>;
  random?: () => number;
  extra?: Partial<RenewerInput>;
}

/** Starts runRenewer on fake time at 0, with a prestart that logged in as `t0`. */
export async function startRenewer(options: StartOptions): Promise<RenewerRun> {
  const time = new FakeTime(0);
  const client = fakeVault(time, options.handle);
  const out = memoryOutput();
  const controller = new AbortController();
  const dir = await mkdtemp(join(tmpdir(), 'keyturn-agent-'));
  const config = typeof options.config === 'function' ? options.config(dir) : options.config;
  const done = runRenewer({
    config,
    client,
    out,
    signal: controller.signal,
    cwd: dir,
    uid: process.getuid?.() ?? 0,
    clock: time,
    timers: time,
    random: options.random ?? (() => 0.5),
    env: options.env ?? {},
    start: {
      login: {
        token: 't0',
        accessor: 'accessor-of-t0',
        ttlMs: options.ttlSeconds * 1000,
        renewable: options.renewable ?? true,
        policies: ['default'],
        tokenType: 'service',
        issuedAtMs: 0,
        owned: true,
      },
      fetched: {
        secrets: options.secrets ?? config.secrets.map(() => ({ data: {} })),
        certs: [],
      },
      certLifetimes: [],
      files: { written: [], unchanged: [], changedGroups: [] },
    },
    stateFile: join(dir, 'state', 'state.json'),
    pid: 4242,
    ...options.extra,
  });
  done.catch(() => undefined);
  const until = async (predicate: () => boolean, what = 'condition') => {
    const deadline = Date.now() + 3000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return {
    time,
    calls: client.calls,
    out,
    controller,
    done,
    dir,
    until,
    async [Symbol.asyncDispose]() {
      controller.abort();
      await done.catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
