// `npm run test:stress`: the timing-sensitive tests, three times in a row, beside one
// busy-looping process per core — the suite must hold on a busy machine, where a renewal,
// a timer or a spawn can come late. The hogs are killed at the end, whatever happens.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tests whose outcome depends on when things happen: agents renewing on their own timers,
 * faults switched while they wait, certificates due, logins again at max TTL, daemons and
 * metrics endpoints. Each waits on events (the server's request log, the agent's log) with a
 * deadline that only bounds a hang; keep a test here when it depends on timing.
 */
export const TIMING_SENSITIVE = [
  'test/e2e/agent-faults.test.ts',
  'test/e2e/agent-renewal.test.ts',
  'test/e2e/agent-standby.test.ts',
  'test/e2e/agent-certs.test.ts',
  'test/e2e/agent-relogin.test.ts',
  'test/e2e/agent-leases.test.ts',
  'test/e2e/auth-jwt.test.ts',
  'test/e2e/auth-token.test.ts',
  'test/e2e/daemon-prestart.test.ts',
  'test/e2e/metrics-endpoint.test.ts',
  'test/e2e/metrics-promtool.test.ts',
  'test/e2e/fetch-transient.test.ts',
  'test/exec/exec-rotation.test.ts',
  'test/exec/exec-signals.test.ts',
];

const ROUNDS = 3;
const root = new URL('..', import.meta.url).pathname;
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

interface Round {
  passed: number;
  failed: number;
  failures: string[];
  seconds: number;
}

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
}

/** One busy loop per core, at the same priority as the tests. */
function startHogs(count: number): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
}

async function stopHogs(hogs: ChildProcess[]): Promise<void> {
  await Promise.all(
    hogs.map(async (hog) => {
      if (hog.exitCode !== null || hog.signalCode !== null) return;
      const ended = once(hog, 'exit');
      hog.kill('SIGKILL');
      await ended;
    }),
  );
}

/** The vitest of the round under way, killed with the hogs on Ctrl-C. */
let current: ChildProcess | undefined;

async function runRound(files: string[], report: string): Promise<Round> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      vitest,
      'run',
      '--project',
      'unit',
      '--reporter=dot',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...files,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  current = child;
  const [code] = await once(child, 'exit');
  current = undefined;
  let json: JsonReport;
  try {
    json = JSON.parse(await readFile(report, 'utf8')) as JsonReport;
  } catch {
    const seconds = (Date.now() - started) / 1000;
    return { passed: 0, failed: 1, failures: [`vitest ended with ${code}, no report`], seconds };
  }
  const failures = json.testResults.flatMap((file) =>
    file.assertionResults
      .filter((test) => test.status === 'failed')
      .map((test) => `${file.name.slice(root.length)} > ${test.title}`),
  );
  return {
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    failures,
    seconds: (Date.now() - started) / 1000,
  };
}

const files = process.argv.length > 2 ? process.argv.slice(2) : TIMING_SENSITIVE;
const cores = availableParallelism();
const dir = await mkdtemp(join(tmpdir(), 'keyturn-stress-'));
console.log(`load average before: ${load()}; starting ${cores} CPU hog(s), one per core`);
const hogs = startHogs(cores);
const stop = () => {
  for (const hog of hogs) hog.kill('SIGKILL');
  current?.kill('SIGTERM');
  process.exit(130);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
const rounds: Round[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`\n== round ${round}/${ROUNDS} (load average ${load()})`);
    rounds.push(await runRound(files, join(dir, `round-${round}.json`)));
  }
} finally {
  const during = load();
  await stopHogs(hogs);
  await rm(dir, { recursive: true, force: true });
  console.log(`\nload average at the end, with the hogs: ${during}`);
}
rounds.forEach((r, i) => {
  console.log(
    `round ${i + 1}: ${r.passed} passed, ${r.failed} failed in ${r.seconds.toFixed(0)} s`,
  );
  for (const failure of r.failures) console.log(`  failed: ${failure}`);
});
const failed = rounds.reduce((n, r) => n + r.failed, 0);
console.log(failed === 0 ? 'test:stress: all rounds passed' : `test:stress: ${failed} failure(s)`);
process.exitCode = failed === 0 ? 0 : 1;
