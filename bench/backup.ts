/**
 * `keyturn backup` and `keyturn restore` of 1,000 and 10,000 KV v2 secrets (issue 10): wall
 * time and peak RSS of the built CLI against the in-process test server. Memory must not
 * grow with the count: the archive is streamed in 64 KiB frames and the walk holds only
 * the reads in flight. Peak RSS includes scrypt's 128 MiB, the same at any count.
 * Run: npm run build && npx node bench/backup.ts   (BENCH_BACKUP_COUNTS, default 1000,10000)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../test/e2e/run-keyturn.ts';
import { startVaultServer, type VaultServer } from '../test/e2e/vault-fixture.ts';

const counts = (process.env.BENCH_BACKUP_COUNTS ?? '1000,10000').split(',').map(Number);
const passphrase = 'bench passphrase, long enough';

// Preloaded into keyturn: its own peak RSS (getrusage maxrss), exact, printed at exit.
const probe = `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n`;

/** N secrets of three fields each, 100 to a folder (a realistic tree, not one huge LIST). */
async function seed(vault: VaultServer, count: number): Promise<void> {
  const batch = 64;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, (_, j) => {
        const n = i + j;
        return vault.write(`secret/data/bench/f${Math.floor(n / 100)}/s${n}`, {
          data: {
            username: `user-${n}`,
            password: `pw-${n}-${'x'.repeat(24)}`,
            url: `https://svc-${n}.example`,
          },
        });
      }),
    );
  }
}

async function run(args: string[], vault: VaultServer, cwd: string, probeFile: string) {
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...args, '--input-json'], {
    cwd,
    env: {
      PATH: process.env.PATH,
      VAULT_ADDR: vault.addr,
      VAULT_TOKEN: vault.rootToken,
      NODE_OPTIONS: `--import=${probeFile}`,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.resume();
  child.stdin.end(JSON.stringify({ passphrase }));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`keyturn ${args[0]} exited ${code}:\n${stderr}`);
  const rssKb = Number(/MAXRSS (\d+)/.exec(stderr)?.[1]);
  return { ms, rssMiB: rssKb / 1024 };
}

const rows: string[] = [];
for (const count of counts) {
  await using vault = await startVaultServer();
  const dir = await mkdtemp(join(tmpdir(), 'keyturn-bench-backup-'));
  try {
    const probeFile = join(dir, 'probe.mjs');
    await writeFile(probeFile, probe);
    await seed(vault, count);
    const b = await run(
      ['backup', '--prefix', 'secret/bench/', '--out', 'bench.ktb'],
      vault,
      dir,
      probeFile,
    );
    const size = (await stat(join(dir, 'bench.ktb'))).size;
    const r = await run(
      ['restore', '--in', 'bench.ktb', '--prefix-map', 'secret/bench/=secret/restored/'],
      vault,
      dir,
      probeFile,
    );
    const restored = vault.requests.filter(
      (q) => q.method === 'POST' && q.path.startsWith('secret/data/restored/'),
    ).length;
    if (restored !== count) throw new Error(`restored ${restored} of ${count}`);
    rows.push(
      `| ${count.toLocaleString('en')} | ${(b.ms / 1000).toFixed(1)} s | ${b.rssMiB.toFixed(0)} MiB | ${(r.ms / 1000).toFixed(1)} s | ${r.rssMiB.toFixed(0)} MiB | ${(size / 1024 / 1024).toFixed(2)} MiB |`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
process.stdout.write(
  `| secrets | backup time | backup peak RSS | restore time | restore peak RSS | archive |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
);
