/**
 * RSS and heap across 10,000 accelerated renewal cycles (issue 4): runRenewer on fake time
 * (test/timing/fake-time.ts), each cycle one token renewal, plus a lease renewal every ~3
 * cycles and a KV refresh every ~3. Each run is its own `node --expose-gc` child, so the
 * heap measured is the renewer's alone: `fake` answers from test/agent/fake-vault.ts in
 * process; `http` uses keyturn's real VaultClient against the test server (run here).
 * Run: npx node bench/renewal-cycles.ts   (BENCH_CYCLES, default 10000;
 * BENCH_LEAK_CONTROL=1 adds a run leaking one abort listener per cycle, to show the
 * bench sees a leak of that size; BENCH_CYCLES_SNAPSHOTS=<dir> writes a heap snapshot at
 * every sample, to diff by constructor)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mountEngines, setupApp, startVaultServer } from '../test/e2e/vault-fixture.ts';
import { type ChildParams, runChild } from './renewal-child.ts';
import type { Sample } from './renewal-driver.ts';

const CHILD = 'KEYTURN_BENCH_CYCLES_CHILD';
/**
 * Flat = the heap without compiled code grows less than 16 KiB per 1,000 cycles, i.e.
 * < 16 bytes a cycle: less than the smallest object a per-cycle leak would keep (a closure
 * is ≥ 32 bytes, an abort listener or a Timeout well over 100), while forced-GC noise stays
 * within a few KiB. Compiled code (code and trusted spaces) is left out of the verdict: V8
 * keeps optimising hot functions for thousands of cycles, a bounded growth (heap snapshots
 * diffed between cycles 2,000 and 10,000 show only code objects added), reported apart.
 * RSS: less than 256 KiB per 1,000 cycles, one V8 page; RSS moves in pages and allocator
 * chunks, so it is noisier, and a real leak shows in the heap first.
 */
const HEAP_LIMIT = 16 * 1024;
const RSS_LIMIT = 256 * 1024;
/**
 * Why pin the young generation: the bench allocates ~1,000× faster than a real agent (one
 * cycle every few ms, not every 40 minutes), so V8 doubles the new space (32 → 64 → 128 MiB
 * committed) while the live heap stays flat, and RSS jumps with it. Pinned, RSS shows the
 * rest; unpinned runs are BENCH_CYCLES_UNPINNED=1.
 */
const NODE_FLAGS = process.env.BENCH_CYCLES_UNPINNED
  ? ['--expose-gc']
  : ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];

interface ChildResult {
  samples: Sample[];
  seconds: number;
}

async function child(params: ChildParams): Promise<ChildResult> {
  const proc = spawn(process.execPath, [...NODE_FLAGS, import.meta.filename], {
    env: { ...process.env, [CHILD]: JSON.stringify(params) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  proc.stdout.on('data', (chunk) => (text += chunk));
  const [code] = await once(proc, 'close');
  if (code !== 0) throw new Error(`${params.mode} run exited ${code}`);
  return JSON.parse(text) as ChildResult;
}

/** Parameters of the http run: a real login, a real database lease and a KV value. */
async function httpParams(vault: Awaited<ReturnType<typeof startVaultServer>>, cycles: number) {
  await mountEngines(vault);
  await vault.write('database/roles/app', { db_name: 'db', default_ttl: '3h', max_ttl: '8760h' });
  await vault.write('kv/app/cfg', { key: 'value-0123456789' });
  const app = await setupApp(vault, { token_ttl: '1h' });
  const login = await vault.write('auth/approle/login', {
    role_id: app.roleId,
    secret_id: await app.plainSecretId(),
  });
  const auth = login.body.auth;
  const creds = await vault.read('database/creds/app', auth.client_token);
  if (creds.status !== 200) throw new Error(`database/creds/app: ${creds.status} ${creds.text}`);
  return {
    mode: 'http',
    cycles,
    leak: false,
    addr: vault.addr,
    token: { token: auth.client_token, accessor: auth.accessor, ttlMs: auth.lease_duration * 1000 },
    lease: { id: creds.body.lease_id, durationMs: creds.body.lease_duration * 1000 },
    creds: creds.body.data,
  } satisfies ChildParams;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Least-squares slope of `value` against the cycle, per 1,000 cycles. */
function slope(samples: Sample[], value: (s: Sample) => number): number {
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.cycle, 0) / n;
  const my = samples.reduce((a, s) => a + value(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.cycle - mx) * (value(s) - my);
    den += (s.cycle - mx) ** 2;
  }
  return den ? (1000 * num) / den : 0;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(2)} MiB`;
const resources = (s: Sample) =>
  Object.entries(s.resources)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ') || 'none';
const CODE_SPACES = [
  'code_space',
  'code_large_object_space',
  'trusted_space',
  'trusted_large_object_space',
];
/** heapUsed without V8's compiled code and its metadata. */
const objectHeap = (s: Sample) =>
  s.heapUsed - CODE_SPACES.reduce((sum, name) => sum + (s.spaces[name]?.used ?? 0), 0);

/** The first and last sample of a run. */
function sampleRows(name: string, { samples }: ChildResult): string[] {
  return [samples[0], samples.at(-1)].map(
    (s, i) =>
      `| ${i === 0 ? name : ''} | ${s?.cycle} | ${mib(s?.heapUsed ?? 0)} | ${mib(objectHeap(s as Sample))} | ${mib(s?.rss ?? 0)} | ${resources(s as Sample)} | ${s?.fakeTimers} | ${s?.abortListeners} | ${s?.redactorSize} |`,
  );
}

/** Growth per 1,000 cycles, first to last sample and as a fit over all. */
function growthRow(name: string, { samples, seconds }: ChildResult): string {
  const first = samples[0] as Sample;
  const last = samples.at(-1) as Sample;
  const growth = (v: (s: Sample) => number, limit?: number) => {
    const direct = (1000 * (v(last) - v(first))) / (last.cycle - first.cycle);
    const fit = slope(samples, v);
    const verdict =
      limit === undefined ? '' : Math.max(direct, fit) < limit ? ': flat' : ': **grows**';
    return `${kib(direct)} (fit ${kib(fit)})${verdict}`;
  };
  const work = `${last.tokenRenewals} token + ${last.leaseRenewals} lease renewals, ${last.refreshes} KV refreshes, ${seconds.toFixed(1)} s`;
  return `| ${name} | ${growth((s) => s.heapUsed)} | ${growth(objectHeap, HEAP_LIMIT)} | ${growth((s) => s.rss, RSS_LIMIT)} | ${work} |`;
}

async function main(): Promise<void> {
  const cycles = Number(process.env.BENCH_CYCLES ?? 10_000);
  await using vault = await startVaultServer();
  const runs: [string, ChildParams][] = [
    ['fake Vault (in process)', { mode: 'fake', cycles, leak: false }],
    ['real VaultClient → test server (HTTP)', await httpParams(vault, cycles)],
  ];
  if (process.env.BENCH_LEAK_CONTROL)
    runs.push([
      'control: fake Vault + 1 abort listener leaked per cycle',
      { mode: 'fake', cycles, leak: true },
    ]);
  const results: [string, ChildResult][] = [];
  for (const [name, params] of runs) results.push([name, await child(params)]);
  const lines = [
    `Node ${process.version}, child flags \`${NODE_FLAGS.join(' ')}\`; full GC (3×) before each sample, one sample every ${cycles / 10} cycles.`,
    '',
    '| run | after cycle | heapUsed | heap without compiled code | RSS | active resources (real) | fake timers armed | abort listeners on the run signal | redactor values |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.flatMap(([name, result]) => sampleRows(name, result)),
    '',
    `Growth per 1,000 cycles (first to last sample; least-squares fit over all samples). Flat: heap without compiled code < ${kib(HEAP_LIMIT)}, RSS < ${kib(RSS_LIMIT)}.`,
    '',
    '| run | heapUsed | heap without compiled code | RSS | work done |',
    '|---|---|---|---|---|',
    ...results.map(([name, result]) => growthRow(name, result)),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (import.meta.main) {
  const params = process.env[CHILD];
  if (params)
    process.stdout.write(JSON.stringify(await runChild(JSON.parse(params) as ChildParams)));
  else await main();
}
