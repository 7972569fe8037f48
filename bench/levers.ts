// `npm run bench` (second part): the start-time and memory levers of issue 8, each against
// its own "before", in one interleaved run. Variants are built from the current source into
// dist/levers/, each with one lever taken out:
//   - single: one ESM file, no code splitting;
//   - jit: the detached renewer without --jitless (RENEWER_NODE_FLAGS = []);
//   - growth: without the semi-space growth factor of src/main.ts;
//   - the single executable without its code cache (BENCH_LEVERS_SEA=0 skips it: ~40 s).
// BENCH_BEFORE=path/to/keyturn.mjs adds an older build (e.g. main before this work).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { sharedOptions } from '../scripts/build-options.ts';
import { startVaultServer } from '../test/vault-server/index.ts';
import { idleRssKb, startRenewer, stopPid } from './idle-renewer.ts';
import {
  cli,
  executable,
  median,
  peakProbe,
  prepare,
  root,
  timed,
  timedPeak,
  wrapped,
  writeConfigs,
} from './start-world.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const variants = join(root, 'dist/levers');
const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
const banner = {
  js: "import { createRequire as __keyturnRequire } from 'node:module'; const require = __keyturnRequire(import.meta.url);",
};

/** Rewrites one source file on its way into the bundle: the lever taken out. */
function without(file: string, from: string, to: string): Plugin {
  return {
    name: `without-${file}`,
    setup(b) {
      b.onLoad({ filter: new RegExp(`${file.replace(/[./]/g, '\\$&')}$`) }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes(from)) throw new Error(`levers: ${file} no longer has ${from}`);
        return { contents: text.replace(from, to), loader: 'ts' };
      });
    },
  };
}

async function variant(name: string, split: boolean, plugins: Plugin[] = []): Promise<string> {
  const dir = join(variants, name);
  await rm(dir, { recursive: true, force: true });
  await build({
    ...sharedOptions,
    plugins: [...(sharedOptions.plugins ?? []), ...plugins],
    entryPoints: { keyturn: 'src/main.ts' },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    splitting: split,
    banner,
  });
  return join(dir, 'keyturn.mjs');
}

await mkdir(variants, { recursive: true });
const single = await variant('single', false);
const jit = await variant('jit', true, [
  without('src/daemon/renewer-command.ts', "= ['--jitless'];", '= [];'),
]);
const growth = await variant('growth', true, [
  without('src/main.ts', "setFlagsFromString('--semi-space-growth-factor=1');", ''),
]);
const seaVariants = process.env.BENCH_LEVERS_SEA !== '0' && existsSync(executable);
const exeNoCache = join(variants, 'keyturn-no-code-cache');
if (seaVariants) {
  execFileSync(process.execPath, ['scripts/build-sea.ts', '--out', exeNoCache, '--no-code-cache'], {
    cwd: root,
    stdio: 'ignore',
  });
}
const before = process.env.BENCH_BEFORE;

await using vault = await startVaultServer();
const work = await mkdtemp(join(tmpdir(), 'keyturn-levers-'));
try {
  const many = Number(process.env.BENCH_MANY ?? 1000);
  const roleId = await prepare(vault, many);
  const base = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId };
  const configs = await writeConfigs(work, many);
  const cacheDir = join(work, 'compile-cache');
  await mkdir(cacheDir, { mode: 0o700 });
  type Contender = [string, string[], Record<string, string>];
  const contenders: Contender[] = [
    ...(before
      ? [['an older build (BENCH_BEFORE)', [process.execPath, before], {}] as Contender]
      : []),
    ['one ESM file (no splitting)', [process.execPath, single], {}],
    ['dist/: entry + chunks (now)', [process.execPath, cli], {}],
    [
      'dist/ + NODE_COMPILE_CACHE (warm)',
      [process.execPath, cli],
      { NODE_COMPILE_CACHE: cacheDir },
    ],
    ...(seaVariants
      ? ([
          ['single executable, no code cache', [exeNoCache], {}],
          ['single executable, useCodeCache (now)', [executable], {}],
        ] as Contender[])
      : []),
  ];
  const loadStart = load();
  const times = new Map<string, number[]>([['bare', []]]);
  for (let r = 0; r < rounds + 2; r++) {
    const dir = await mkdtemp(join(work, 'r'));
    const bare = await timed(process.execPath, ['-e', '']);
    if (r >= 2) times.get('bare')?.push(bare);
    for (const [name, program, env] of contenders) {
      const ms = await timed(
        program[0] as string,
        [...program.slice(1), 'prestart', '--config', configs.ten as string, '--log-level', 'warn'],
        { ...base, ...env, VAULT_SECRET_ID: await wrapped(vault) },
        dir,
      );
      if (r >= 2) times.set(name, [...(times.get(name) ?? []), ms]);
    }
  }

  // The idle renewer, beside an idle bare Node: each lever on or off, V8 limits on top.
  const renewers: Contender[] = [
    ...(before
      ? [['older build (BENCH_BEFORE)', [process.execPath, before], {}] as Contender]
      : []),
    ['no flags (renewer entry only)', [process.execPath, jit], {}],
    [
      'no flags + `--max-semi-space-size=1`',
      [process.execPath, jit],
      { NODE_OPTIONS: '--max-semi-space-size=1' },
    ],
    [
      'no flags + `--max-old-space-size=32`',
      [process.execPath, jit],
      { NODE_OPTIONS: '--max-old-space-size=32' },
    ],
    ['`--jitless` (now)', [process.execPath, cli], {}],
    ...(existsSync(executable)
      ? [['single executable, `--jitless` (now)', [executable], {}] as Contender]
      : []),
  ];
  const loadIdle = load();
  const rss = new Map<string, number[]>();
  const ten = await readFile(configs.ten as string, 'utf8');
  for (let r = 0; r < 3; r++) {
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
      stdio: 'ignore',
    });
    const pids: [string, number][] = [['bare', bare.pid as number]];
    try {
      for (const [name, program, env] of renewers) {
        const dir = await mkdtemp(join(work, 'd'));
        await writeFile(join(dir, 'keyturn.yaml'), `state_dir: state\n${ten}`);
        const pid = await startRenewer(
          program[0] as string,
          [...program.slice(1), 'prestart', '--config', 'keyturn.yaml'],
          { ...base, ...env, VAULT_SECRET_ID: await wrapped(vault) },
          dir,
        );
        pids.push([name, pid]);
      }
      for (const [name, kb] of await idleRssKb(pids)) rss.set(name, [...(rss.get(name) ?? []), kb]);
    } finally {
      bare.kill();
      for (const [name, pid] of pids) if (name !== 'bare') await stopPid(pid);
    }
  }

  // 1,000 secrets: peak RSS with and without the young-generation cap, and the raw client.
  const loadMany = load();
  const probe = await peakProbe(work);
  const peaks = new Map<string, number[]>();
  const bulk: [string, string[], Record<string, string>][] = [
    ['raw keep-alive client', [join(root, 'bench/raw-client.mjs')], { COUNT: String(many) }],
    [
      'keyturn, young generation free to grow',
      [growth, 'prestart', '--config', configs.many as string, '--log-level', 'warn'],
      {},
    ],
    [
      'keyturn, semi-space growth factor 1 (now)',
      [cli, 'prestart', '--config', configs.many as string, '--log-level', 'warn'],
      {},
    ],
  ];
  for (let r = 0; r < 3; r++) {
    const dir = await mkdtemp(join(work, 'm'));
    for (const [name, args, env] of bulk) {
      const out = await mkdtemp(join(dir, 'o'));
      const run = await timedPeak(
        probe,
        process.execPath,
        args,
        { ...base, ...env, OUT: out, VAULT_SECRET_ID: await wrapped(vault) },
        dir,
      );
      peaks.set(name, [...(peaks.get(name) ?? []), run.peakKb ?? 0]);
      peaks.set(`${name} ms`, [...(peaks.get(`${name} ms`) ?? []), run.ms]);
    }
  }

  const bare = median(times.get('bare') ?? []);
  const bareRss = median(rss.get('bare') ?? []);
  const rawPeak = median(peaks.get('raw keep-alive client') ?? []);
  const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
  process.stdout.write(
    [
      `Node ${process.version}; \`prestart\` of 10 KV secrets: medians of ${rounds} interleaved rounds (load ${loadStart}); idle renewer RSS: medians of 3 rounds (load ${loadIdle}); ${many} secrets: medians of 3 rounds (load ${loadMany}).`,
      '',
      '| start lever | prestart, 10 KV | vs bare Node |',
      '|---|---|---|',
      `| bare \`node -e ''\` | ${bare.toFixed(0)} ms | 1.00× |`,
      ...contenders.map(([name]) => {
        const ms = median(times.get(name) ?? []);
        return `| ${name} | ${ms.toFixed(0)} ms | ${(ms / bare).toFixed(2)}× |`;
      }),
      '',
      '| renewer | idle RSS | vs bare Node |',
      '|---|---|---|',
      `| bare idle Node | ${mib(bareRss)} | 1.00× |`,
      ...renewers.map(([name]) => {
        const kb = median(rss.get(name) ?? []);
        return `| ${name} | ${mib(kb)} | ${(kb / bareRss).toFixed(2)}× |`;
      }),
      '',
      `| ${many} secrets | peak RSS | vs raw client | wall time |`,
      '|---|---|---|---|',
      ...bulk.map(([name]) => {
        const kb = median(peaks.get(name) ?? []);
        const ms = median(peaks.get(`${name} ms`) ?? []);
        return `| ${name} | ${mib(kb)} | ${(kb / rawPeak).toFixed(2)}× | ${ms.toFixed(0)} ms |`;
      }),
      '',
    ].join('\n'),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
