// `npm run bench` (first part): the four ratios of issue 8, each measured within one run,
// contenders interleaved so the machine's noise hits them alike. Prints Markdown.
//   1. `prestart` of 10 KV secrets vs a bare `node -e ''` (the .mjs and the executable)
//   2. 10 KV + 1 certificate: keyturn vs the curl + jq script
//   3. the idle `prestart --daemon` renewer's RSS vs an idle bare Node
//   4. 1,000 secrets: keyturn's peak RSS vs the raw keep-alive client's
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultServer } from '../test/vault-server/index.ts';
import { idleRssKb, startRenewer, stopPid } from './idle-renewer.ts';
import {
  cli,
  executable,
  median,
  peakProbe,
  prepare,
  root,
  type Timed,
  timed,
  timedPeak,
  wrapped,
  writeConfigs,
} from './start-world.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const many = Number(process.env.BENCH_MANY ?? 1000);
const withExe = existsSync(executable);
const f = (ms: number) => `${ms.toFixed(0)} ms`;
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');

await using vault = await startVaultServer();
const work = await mkdtemp(join(tmpdir(), 'keyturn-bench-'));
try {
  const roleId = await prepare(vault, many);
  const base = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId };
  const configs = await writeConfigs(work, many);
  const prestart = (program: string[], config: string, dir: string) => async () =>
    timed(
      program[0] as string,
      [...program.slice(1), 'prestart', '--config', config, '--log-level', 'warn'],
      { ...base, VAULT_SECRET_ID: await wrapped(vault) },
      dir,
    );
  const mjs = [process.execPath, cli];
  const exe = [executable];

  // 1 + 2. Start time, interleaved rounds (2 warm-up rounds: disk cache, first compile).
  const loadStart = load();
  const start: Record<string, number[]> = { bare: [], mjs: [], exe: [], mjsCert: [], shell: [] };
  for (let r = 0; r < rounds + 2; r++) {
    const dir = await mkdtemp(join(work, 'r'));
    const runs: [string, () => Promise<number>][] = [
      ['bare', () => timed(process.execPath, ['-e', ''])],
      ['mjs', prestart(mjs, configs.ten as string, dir)],
      ...(withExe
        ? [['exe', prestart(exe, configs.ten as string, dir)] as [string, () => Promise<number>]]
        : []),
      ['mjsCert', prestart(mjs, configs.tenCert as string, dir)],
      [
        'shell',
        async () =>
          timed('sh', [join(root, 'bench/shell-prestart.sh')], {
            ...base,
            VAULT_SECRET_ID: await wrapped(vault),
            OUT: join(dir, 'sh'),
            COUNT: '10',
          }),
      ],
    ];
    for (const [name, run] of runs) {
      const ms = await run();
      if (r >= 2) start[name]?.push(ms);
    }
  }

  // 3. Idle renewer RSS: bare idle Node and one renewer per program, side by side.
  const loadIdle = load();
  const idle: Record<string, number[]> = { bare: [], mjs: [], exe: [] };
  for (let r = 0; r < 3; r++) {
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
      stdio: 'ignore',
    });
    const pids: [string, number][] = [['bare', bare.pid as number]];
    try {
      for (const [name, program] of [['mjs', mjs], ...(withExe ? [['exe', exe]] : [])] as [
        string,
        string[],
      ][]) {
        const dir = await mkdtemp(join(work, 'd'));
        const config = join(dir, 'keyturn.yaml');
        const { writeFile } = await import('node:fs/promises');
        await writeFile(
          config,
          `state_dir: state\n${(await import('node:fs')).readFileSync(configs.ten as string, 'utf8')}`,
        );
        const pid = await startRenewer(
          program[0] as string,
          [...program.slice(1), 'prestart', '--config', config],
          { ...base, VAULT_SECRET_ID: await wrapped(vault) },
          dir,
        );
        pids.push([name, pid]);
      }
      for (const [name, kb] of await idleRssKb(pids)) idle[name]?.push(kb);
    } finally {
      bare.kill();
      for (const [name, pid] of pids) if (name !== 'bare') await stopPid(pid);
    }
  }

  // 4. 1,000 secrets: peak RSS (and time) of keyturn vs the raw keep-alive client.
  const loadMany = load();
  const probe = await peakProbe(work);
  const bulk: Record<string, Timed[]> = { keyturn: [], raw: [] };
  for (let r = 0; r < 5; r++) {
    const dir = await mkdtemp(join(work, 'm'));
    await mkdir(join(dir, 'raw'), { mode: 0o700 });
    bulk.keyturn?.push(
      await timedPeak(
        probe,
        process.execPath,
        [cli, 'prestart', '--config', configs.many as string, '--log-level', 'warn'],
        { ...base, VAULT_SECRET_ID: await wrapped(vault) },
        dir,
      ),
    );
    bulk.raw?.push(
      await timedPeak(
        probe,
        process.execPath,
        [join(root, 'bench/raw-client.mjs')],
        {
          ...base,
          VAULT_SECRET_ID: await wrapped(vault),
          OUT: join(dir, 'raw'),
          COUNT: String(many),
        },
        dir,
      ),
    );
  }

  const m = (name: string) => median(start[name] ?? []);
  const i = (name: string) => median(idle[name] ?? []);
  const peak = (name: string) => median((bulk[name] ?? []).map((t) => t.peakKb ?? 0));
  const wall = (name: string) => median((bulk[name] ?? []).map((t) => t.ms));
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const rows = [
    `| bare \`node -e ''\` | ${f(m('bare'))} | 1.00× | | |`,
    `| \`node keyturn.mjs prestart\`, 10 KV secrets | ${f(m('mjs'))} | ${(m('mjs') / m('bare')).toFixed(2)}× bare Node | ≤ 2× | ${met(m('mjs') / m('bare') <= 2)} |`,
    ...(withExe
      ? [
          `| \`keyturn prestart\` (single executable), 10 KV secrets | ${f(m('exe'))} | ${(m('exe') / m('bare')).toFixed(2)}× bare Node | ≤ 2× | ${met(m('exe') / m('bare') <= 2)} |`,
        ]
      : []),
    `| \`node keyturn.mjs prestart\`, 10 KV + 1 PKI cert | ${f(m('mjsCert'))} | | | |`,
    `| curl + jq preStart script, same job | ${f(m('shell'))} | keyturn ${(m('shell') / m('mjsCert')).toFixed(2)}× faster | ≥ 3× | ${met(m('shell') / m('mjsCert') >= 3)} |`,
    `| idle bare Node (\`setInterval\`), RSS | ${mib(i('bare'))} | 1.00× | | |`,
    `| idle \`prestart --daemon\` renewer (.mjs), RSS | ${mib(i('mjs'))} | ${(i('mjs') / i('bare')).toFixed(2)}× | ≤ 1.3× | ${met(i('mjs') / i('bare') <= 1.3)} |`,
    ...(withExe
      ? [
          `| idle renewer (single executable), RSS | ${mib(i('exe'))} | ${(i('exe') / i('bare')).toFixed(2)}× | ≤ 1.3× | ${met(i('exe') / i('bare') <= 1.3)} |`,
        ]
      : []),
    `| raw keep-alive client, ${many} secrets: peak RSS | ${mib(peak('raw'))} (${f(wall('raw'))}) | 1.00× | | |`,
    `| \`keyturn prestart\`, ${many} KV secrets: peak RSS | ${mib(peak('keyturn'))} (${f(wall('keyturn'))}) | ${(peak('keyturn') / peak('raw')).toFixed(2)}× | ≤ 1.5× | ${met(peak('keyturn') / peak('raw') <= 1.5)} |`,
  ];
  process.stdout.write(
    [
      `Node ${process.version}; start: medians of ${rounds} interleaved rounds (load ${loadStart}); idle RSS: medians of 3 rounds (load ${loadIdle}); ${many} secrets: 5 rounds (load ${loadMany}).`,
      withExe ? '' : '\n(dist/keyturn not built: `npm run build:sea` adds the single executable)\n',
      '| what | measured | ratio | target | met |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
