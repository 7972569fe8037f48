/**
 * An idle `keyturn agent` (issue 4, "Performance and memory"): its RSS against a bare idle
 * Node process, and the CPU ticks and wakeups it spends between renewals. All processes of
 * a round run the same Node binary side by side, so machine noise hits them alike. The
 * agent runs against the test server over HTTP and, as in production, over HTTPS.
 * Run: npm run build && npx node bench/agent-idle.ts   (BENCH_IDLE_ROUNDS, default 3;
 * BENCH_IDLE_EXPLAIN=1 explains the RSS even when the ratio meets its target)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppRoleSetup,
  mountEngines,
  setupApp,
  startVaultServer,
  type VaultServer,
} from '../test/e2e/vault-fixture.ts';
import { baseEnv, startAgent, stop } from './idle-agent.ts';
import { explainIdle } from './idle-explain.ts';
import { idleWakeups } from './idle-wakeups.ts';
import { delay, medianOf, type ProcSample, procSample, waitUntilQuiet } from './proc-sample.ts';

const CPU_WINDOW_MS = 5_000;
const TARGET_RATIO = 1.3;

/** Five RSS readings 200 ms apart (median), then CPU and wakeups over one shared window. */
async function measure(pids: number[]) {
  const rss = pids.map(() => [] as ProcSample[]);
  for (let i = 0; i < 5; i++) {
    for (const [j, pid] of pids.entries()) rss[j]?.push(await procSample(pid));
    await delay(200);
  }
  const before = await Promise.all(pids.map(procSample));
  const started = performance.now();
  await delay(CPU_WINDOW_MS);
  const after = await Promise.all(pids.map(procSample));
  const seconds = (performance.now() - started) / 1000;
  return pids.map((_, j) => {
    const samples = rss[j] ?? [];
    const [b, a] = [before[j] as ProcSample, after[j] as ProcSample];
    return {
      rssKb: medianOf(samples.map((s) => s.rssKb)),
      anonKb: medianOf(samples.map((s) => s.rssAnonKb)),
      fileKb: medianOf(samples.map((s) => s.rssFileKb)),
      threads: a.threads,
      ticks: a.ticks - b.ticks,
      wakeups: a.voluntary - b.voluntary,
      allSwitches: a.allVoluntary + a.allNonvoluntary - (b.allVoluntary + b.allNonvoluntary),
      seconds,
    };
  });
}

type Result = Awaited<ReturnType<typeof measure>>[number];

/** Why a polling control: it proves the window sees a 100 ms loop (~50 wakeups, CPU ticks). */
const POLLING = 'setInterval(() => {}, 100)';

/**
 * One round: a bare idle Node, one idle agent per server and a polling control, measured
 * over the same window; results in that order (bare, agents…, control).
 */
async function round(work: string, envs: Record<string, string>[]): Promise<Result[]> {
  const node = (code: string) =>
    spawn(process.execPath, ['-e', code], { env: baseEnv, stdio: 'ignore' });
  const bare = node('setInterval(() => {}, 1 << 30)');
  const agents = [];
  let control: ReturnType<typeof node> | undefined;
  try {
    for (const env of envs) agents.push(await startAgent(await mkdtemp(join(work, 'a-')), env));
    control = node(POLLING);
    const pids = [bare, ...agents].map((child) => child.pid as number);
    await Promise.all(pids.map((pid) => waitUntilQuiet(pid)));
    await delay(1000); // the control never goes quiet: give it the same second to start
    return await measure([...pids, control.pid as number]);
  } finally {
    await stop(bare);
    if (control) await stop(control);
    const codes = [];
    for (const agent of agents) codes.push(await stop(agent));
    // SPEC §7: an agent stopped by SIGTERM exits 0 — proof it was healthy when measured.
    if (codes.some((code) => code !== 0)) console.error(`agent exit codes on SIGTERM: ${codes}`);
  }
}

function table(rounds: Result[][], names: string[]): string {
  const column = (i: number, key: keyof Result) => rounds.map((r) => r[i]?.[key] as number);
  const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
  const bareRss = medianOf(column(0, 'rssKb'));
  const row = (i: number) => {
    const rss = medianOf(column(i, 'rssKb'));
    const mem = `${mb(rss)} (${column(i, 'rssKb').join(', ')} KiB) | ${mb(medianOf(column(i, 'anonKb')))} / ${mb(medianOf(column(i, 'fileKb')))}`;
    const cpu = ['ticks', 'wakeups', 'allSwitches', 'threads'] as const;
    return `| ${names[i]} | ${mem} | ${(rss / bareRss).toFixed(2)}× | ${cpu.map((k) => column(i, k).join(', ')).join(' | ')} |`;
  };
  const secs = rounds.map((r) => r[0]?.seconds.toFixed(2)).join(', ');
  return [
    `Node ${process.version}; ${rounds.length} rounds, each: RSS = median of 5 readings 200 ms apart once idle (no CPU tick for 1 s); CPU window ${secs} s; 1 tick = 10 ms. Cells list every round; the RSS shown is the median of rounds.`,
    '',
    '| idle process | VmRSS | RssAnon / RssFile | ratio to bare | CPU ticks in window | main-thread wakeups (voluntary ctx switches) | ctx switches, all threads | threads |',
    '|---|---|---|---|---|---|---|---|',
    ...names.map((_, i) => row(i)),
    '',
    `Targets: agent RSS ≤ ${TARGET_RATIO}× bare; 0 CPU ticks and no wakeups while idle (the control shows what a 100 ms poll looks like).`,
    '',
  ].join('\n');
}

async function prepare(vault: VaultServer): Promise<AppRoleSetup> {
  await mountEngines(vault);
  const app = await setupApp(vault, { token_ttl: '1h' });
  for (const i of [0, 1, 2])
    await vault.write(`secret/data/app/s${i}`, { data: { user: `u${i}`, password: `pw-${i}-x` } });
  return app;
}

if (import.meta.main) {
  await using http = await startVaultServer();
  await using https = await startVaultServer({ tls: true });
  const servers: { vault: VaultServer; app: AppRoleSetup; extra: Record<string, string> }[] = [
    { vault: http, app: await prepare(http), extra: {} },
    { vault: https, app: await prepare(https), extra: { VAULT_CACERT: https.caCertFile ?? '' } },
  ];
  const envs = async (): Promise<Record<string, string>[]> =>
    Promise.all(
      servers.map(async ({ vault, app, extra }) => ({
        VAULT_ADDR: vault.addr,
        VAULT_ROLE_ID: app.roleId,
        VAULT_SECRET_ID: await app.plainSecretId(),
        ...extra,
      })),
    );
  const work = await mkdtemp(join(tmpdir(), 'keyturn-idle-'));
  try {
    const rounds: Result[][] = [];
    for (let r = 0; r < Number(process.env.BENCH_IDLE_ROUNDS ?? 3); r++)
      rounds.push(await round(work, await envs()));
    const job = '3 KV + 1 database lease + 1 PKI cert, 1-hour token';
    process.stdout.write(
      table(rounds, [
        '`node -e "setInterval(() => {}, 1 << 30)"`',
        `\`keyturn agent\` over HTTP: ${job}`,
        `\`keyturn agent\` over HTTPS: ${job}`,
        `control: \`node -e "${POLLING}"\` (a polling loop)`,
      ]),
    );
    const [first] = servers;
    const httpEnv = async () => ({
      VAULT_ADDR: http.addr,
      VAULT_ROLE_ID: first?.app.roleId ?? '',
      VAULT_SECRET_ID: (await first?.app.plainSecretId()) ?? '',
    });
    process.stdout.write(`\n${await idleWakeups(work, [await httpEnv(), await httpEnv()])}`);
    const ratio = (i: number) =>
      medianOf(rounds.map((r) => r[i]?.rssKb ?? 0)) / medianOf(rounds.map((r) => r[0]?.rssKb ?? 0));
    if (ratio(1) > TARGET_RATIO || process.env.BENCH_IDLE_EXPLAIN) {
      process.stdout.write(`\n${await explainIdle(work, await httpEnv())}`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
