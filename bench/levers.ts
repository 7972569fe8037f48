// `npm run bench` (second part): the start-time and memory levers of issue 8, each measured
// against its own "before" in one interleaved run. Builds its variants into dist/levers/:
//   - one ESM file (the build before code splitting) vs dist/ (entry + chunks);
//   - dist/ with Node's compile cache (NODE_COMPILE_CACHE, a fresh 0700 directory, warm);
//   - the single executable without and with its code cache (useCodeCache);
//   - the idle `prestart --daemon` renewer with and without V8 flags (NODE_OPTIONS reaches it
//     through the environment it inherits).
// BENCH_LEVERS_SEA=0 skips the two executables (each build takes ~40 s and 105 MiB).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { sharedOptions } from '../scripts/build-options.ts';
import { startVaultServer } from '../test/vault-server/index.ts';
import { startRenewer, stopPid } from './idle-renewer.ts';
import { delay, medianOf, procSample, waitUntilQuiet } from './proc-sample.ts';
import { cli, median, prepare, root, timed, wrapped, writeConfigs } from './start-world.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const variants = join(root, 'dist/levers');
const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');

await mkdir(variants, { recursive: true });
const single = join(variants, 'single/keyturn.mjs');
await build({
  ...sharedOptions,
  entryPoints: ['src/main.ts'],
  outfile: single,
  format: 'esm',
  banner: {
    js: "import { createRequire as __keyturnRequire } from 'node:module'; const require = __keyturnRequire(import.meta.url);",
  },
});
const seaVariants = process.env.BENCH_LEVERS_SEA !== '0';
const exeCache = join(variants, 'keyturn-code-cache');
const exeNoCache = join(variants, 'keyturn-no-code-cache');
if (seaVariants) {
  for (const [out, extra] of [
    [exeCache, []],
    [exeNoCache, ['--no-code-cache']],
  ] as const) {
    if (!existsSync(out) || process.env.BENCH_REBUILD) {
      execFileSync(process.execPath, ['scripts/build-sea.ts', '--out', out, ...extra], {
        cwd: root,
        stdio: 'ignore',
      });
    }
  }
}

await using vault = await startVaultServer();
const work = await mkdtemp(join(tmpdir(), 'keyturn-levers-'));
try {
  const roleId = await prepare(vault, 0);
  const base = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId };
  const configs = await writeConfigs(work, 0);
  const cacheDir = join(work, 'compile-cache');
  await mkdir(cacheDir, { mode: 0o700 });
  const contenders: [string, string[], Record<string, string>][] = [
    ['one ESM file (before the split)', [process.execPath, single], {}],
    ['dist/: entry + chunks (now)', [process.execPath, cli], {}],
    [
      'dist/ + NODE_COMPILE_CACHE (warm)',
      [process.execPath, cli],
      { NODE_COMPILE_CACHE: cacheDir },
    ],
    ...(seaVariants
      ? ([
          ['single executable, no code cache', [exeNoCache], {}],
          ['single executable, useCodeCache (now)', [exeCache], {}],
        ] as [string, string[], Record<string, string>][])
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

  // Renewer memory: the same renewer under different V8 flags, beside an idle bare Node.
  const flagSets = (
    process.env.BENCH_RENEWER_FLAGS ??
    ',--max-semi-space-size=1,--max-old-space-size=32,--max-semi-space-size=1 --max-old-space-size=32,--jitless'
  ).split(',');
  const loadIdle = load();
  const rss = new Map<string, number[]>();
  const ten = await readFile(configs.ten as string, 'utf8');
  for (let r = 0; r < 3; r++) {
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
      stdio: 'ignore',
    });
    const pids: [string, number][] = [['bare', bare.pid as number]];
    try {
      for (const flags of flagSets) {
        const dir = await mkdtemp(join(work, 'd'));
        await writeFile(join(dir, 'keyturn.yaml'), `state_dir: state\n${ten}`);
        const pid = await startRenewer(
          process.execPath,
          [cli, 'prestart', '--config', 'keyturn.yaml'],
          {
            ...base,
            VAULT_SECRET_ID: await wrapped(vault),
            ...(flags ? { NODE_OPTIONS: flags } : {}),
          },
          dir,
        );
        pids.push([flags || 'no flags', pid]);
      }
      await Promise.all(pids.map(([, pid]) => waitUntilQuiet(pid)));
      const samples = new Map<string, number[]>();
      for (let i = 0; i < 5; i++) {
        for (const [name, pid] of pids) {
          samples.set(name, [...(samples.get(name) ?? []), (await procSample(pid)).rssKb]);
        }
        await delay(200);
      }
      for (const [name, values] of samples)
        rss.set(name, [...(rss.get(name) ?? []), medianOf(values)]);
    } finally {
      bare.kill();
      for (const [name, pid] of pids) if (name !== 'bare') await stopPid(pid);
    }
  }

  const bare = median(times.get('bare') ?? []);
  const bareRss = median(rss.get('bare') ?? []);
  process.stdout.write(
    [
      `Node ${process.version}; \`prestart\` of 10 KV secrets, medians of ${rounds} interleaved rounds (load ${loadStart}); idle renewer RSS: medians of 3 rounds (load ${loadIdle}).`,
      '',
      '| lever | prestart, 10 KV | vs bare Node |',
      '|---|---|---|',
      `| bare \`node -e ''\` | ${bare.toFixed(0)} ms | 1.00× |`,
      ...contenders.map(([name]) => {
        const ms = median(times.get(name) ?? []);
        return `| ${name} | ${ms.toFixed(0)} ms | ${(ms / bare).toFixed(2)}× |`;
      }),
      '',
      '| renewer V8 flags | idle RSS | vs bare Node |',
      '|---|---|---|',
      `| bare idle Node | ${(bareRss / 1024).toFixed(1)} MiB | 1.00× |`,
      ...flagSets.map((flags) => {
        const kb = median(rss.get(flags || 'no flags') ?? []);
        return `| ${flags ? `\`${flags}\`` : 'none (now)'} | ${(kb / 1024).toFixed(1)} MiB | ${(kb / bareRss).toFixed(2)}× |`;
      }),
      '',
    ].join('\n'),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
