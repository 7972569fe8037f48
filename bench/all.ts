// `npm run bench`: every benchmark in turn, each in its own process (its own test server
// and memory), printing Markdown for the README. Run after `npm run build`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';

const benches: [string, string][] = [
  ['The four ratios of issue 8', 'run.ts'],
  ['Start-time and memory levers, one by one', 'levers.ts'],
  ['Idle agent: memory and CPU between renewals', 'agent-idle.ts'],
  ['10,000 accelerated renewal cycles: heap and RSS', 'renewal-cycles.ts'],
  ['Fleet spread of first renewals', 'fleet-spread.ts'],
  ['Backup and restore of 1,000 and 10,000 secrets', 'backup.ts'],
];

let failed = 0;
for (const [title, file] of benches) {
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
  process.stdout.write(`\n### ${title} (\`bench/${file}\`; load average ${load})\n\n`);
  const child = spawn(process.execPath, [new URL(file, import.meta.url).pathname], {
    stdio: 'inherit',
  });
  const [code] = await once(child, 'close');
  if (code !== 0) {
    failed++;
    process.stderr.write(`bench/${file} exited ${code}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
