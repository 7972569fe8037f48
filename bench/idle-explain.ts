// Where an idle agent's extra memory goes, against a bare idle Node and against a bare Node
// that only loads the same built-in modules: heap (live and garbage), code, modules, threads,
// mappings. Used by agent-idle.ts when the RSS ratio misses; every process preloads
// bench/idle-probe.mjs alike.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HeapSummary, summariseHeapSnapshot } from './heap-summary.ts';
import { baseEnv, cli, startAgent, stop } from './idle-agent.ts';
import { delay, procSample, waitUntilQuiet } from './proc-sample.ts';

const probe = new URL('./idle-probe.mjs', import.meta.url).pathname;
const flags = ['--expose-gc', '--import', probe];
const IDLE = 'setInterval(() => {}, 1 << 30)';

interface Snapshot {
  vmRssKb: number;
  memory: NodeJS.MemoryUsage;
  code: Record<string, number>;
  spaces: Record<string, number>;
}
interface Probe {
  before: Snapshot;
  after: Snapshot;
  modules: string[];
  resources: string[];
  threads: number;
  heap?: HeapSummary;
}

/** Signals the probe and waits for its JSON (and heap snapshot, if one was asked for). */
async function readProbe(child: ChildProcess, out: string, snapshot?: string): Promise<Probe> {
  const pid = child.pid as number;
  await waitUntilQuiet(pid);
  const threads = (await procSample(pid)).threads;
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await readFile(out, 'utf8').catch(() => '');
    if (text) {
      const heap = snapshot ? await summariseHeapSnapshot(snapshot) : undefined;
      return { ...(JSON.parse(text) as Probe), threads, ...(heap ? { heap } : {}) };
    }
    if (Date.now() > deadline) throw new Error(`no probe output in ${out}`);
    await delay(50);
  }
}

function probedNode(dir: string, name: string, code: string) {
  const out = join(dir, `${name}.json`);
  const snapshot = join(dir, `${name}.heapsnapshot`);
  const child = spawn(process.execPath, [...flags, '-e', code], {
    env: { ...baseEnv, KEYTURN_PROBE_OUT: out, KEYTURN_PROBE_SNAPSHOT: snapshot },
    stdio: 'ignore',
  });
  return { child, read: () => readProbe(child, out, snapshot) };
}

const publicBuiltins = (p: Probe) =>
  p.modules
    .filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/'))
    .map((m) => m.replace('NativeModule ', ''));

/** Runs one probed trio and returns Markdown: a table of differences and its evidence. */
export async function explainIdle(work: string, env: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(work, 'explain-'));
  const bare = probedNode(dir, 'bare', IDLE);
  const agentOut = join(dir, 'agent.json');
  const agentSnapshot = join(dir, 'agent.heapsnapshot');
  const agent = await startAgent(
    dir,
    { ...env, KEYTURN_PROBE_OUT: agentOut, KEYTURN_PROBE_SNAPSHOT: agentSnapshot },
    flags,
  );
  const children: ChildProcess[] = [bare.child, agent];
  try {
    const b = await bare.read();
    const a = await readProbe(agent, agentOut, agentSnapshot);
    const seen = new Set(publicBuiltins(b));
    const extra = publicBuiltins(a).filter((m) => !seen.has(m));
    const loads = probedNode(
      dir,
      'builtins',
      `for (const m of ${JSON.stringify(extra)}) require(m); ${IDLE}`,
    );
    children.push(loads.child);
    const l = await loads.read();
    return render(b, l, a, extra) + (await bundleNote());
  } finally {
    for (const child of children) await stop(child);
  }
}

type Row = [string, (p: Probe) => number, (n: number) => string];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const kb = (k: number) => mb(k * 1024);
const natives = (p: Probe) => p.modules.filter((m) => m.startsWith('NativeModule ')).length;
const rows: Row[] = [
  ['VmRSS', (p) => p.before.vmRssKb, kb],
  ['VmRSS after two full GCs', (p) => p.after.vmRssKb, kb],
  ['V8 heapTotal (committed)', (p) => p.before.memory.heapTotal, mb],
  ['V8 heapUsed', (p) => p.before.memory.heapUsed, mb],
  ['V8 heapUsed after GC (live)', (p) => p.after.memory.heapUsed, mb],
  ['new space used (young garbage)', (p) => p.before.spaces.new_space ?? 0, mb],
  ['bytecode and metadata', (p) => p.after.code.bytecode_and_metadata_size ?? 0, mb],
  [
    'external script source (Node built-ins)',
    (p) => p.after.code.external_script_source_size ?? 0,
    mb,
  ],
  ['external + array buffers', (p) => p.after.memory.external, mb],
  ['built-in JS modules loaded', natives, String],
  ['native bindings loaded', (p) => p.modules.length - natives(p), String],
  ['OS threads', (p) => p.threads, String],
];

function render(b: Probe, l: Probe, a: Probe, extra: string[]): string {
  const heapTypes = (p: Probe) =>
    (p.heap?.byType ?? [])
      .slice(0, 5)
      .map(([t, n]) => `${t} ${mb(n)}`)
      .join(', ');
  const strings = (a.heap?.largestStrings ?? [])
    .map((s) => `${mb(s.bytes)} ${JSON.stringify(s.start)}`)
    .join('; ');
  return [
    'Why — one probed trio (`--expose-gc --import bench/idle-probe.mjs` in each):',
    '',
    "| | bare Node | bare Node + the agent's built-ins | keyturn agent (HTTP) | agent − bare | agent − built-ins |",
    '|---|---|---|---|---|---|',
    ...rows.map(
      ([name, f, fmt]) =>
        `| ${name} | ${fmt(f(b))} | ${fmt(f(l))} | ${fmt(f(a))} | ${fmt(f(a) - f(b))} | ${fmt(f(a) - f(l))} |`,
    ),
    '',
    `Built-ins the agent loads beyond bare Node (the middle column \`require\`s just these): ${extra.join(', ')}.`,
    `Heap snapshot, self size by type — bare: ${heapTypes(b)} (total ${mb(b.heap?.totalBytes ?? 0)}); agent: ${heapTypes(a)} (total ${mb(a.heap?.totalBytes ?? 0)}).`,
    `Largest strings on the agent's heap: ${strings}.`,
    `Active resources: bare [${b.resources.join(', ')}]; agent [${a.resources.join(', ')}].`,
    '',
  ].join('\n');
}

/** V8 keeps a script's source as one byte per character only when every character is Latin-1. */
async function bundleNote(): Promise<string> {
  const text = await readFile(cli, 'utf8');
  const wide = [...text.matchAll(/[^\u0000-\u00ff]/g)];
  const first = wide[0];
  const where = first
    ? ` (first: ${JSON.stringify(text.slice(Math.max(0, (first.index ?? 0) - 30), (first.index ?? 0) + 10))})`
    : '';
  return `dist/keyturn.mjs: ${text.length} characters, ${wide.length} outside Latin-1${where}${wide.length ? ': V8 then holds the whole source as UTF-16, 2 bytes a character' : ''}.\n`;
}
