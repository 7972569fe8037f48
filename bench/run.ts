// `npm run bench`: start-time and throughput ratios, measured interleaved in one run so the
// machine's noise hits every contender alike. Prints a Markdown table for the README.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultServer, type VaultServer } from '../test/vault-server/index.ts';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/keyturn.mjs');
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);

async function must(vault: VaultServer, path: string, body: unknown = {}) {
  const response = await vault.write(path, body);
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
  return response;
}

async function prepare(vault: VaultServer, many: number): Promise<string> {
  await must(vault, 'sys/auth/approle', { type: 'approle' });
  await must(vault, 'sys/policies/acl/bench', {
    policy:
      'path "secret/data/bench/*" { capabilities = ["read"] }\npath "pki/issue/web" { capabilities = ["update"] }\npath "sys/internal/ui/mounts/*" { capabilities = ["read"] }',
  });
  await must(vault, 'auth/approle/role/bench', { token_policies: ['bench'], token_ttl: '1h' });
  await must(vault, 'sys/mounts/pki', { type: 'pki' });
  await must(vault, 'pki/root/generate/internal', { common_name: 'bench CA', ttl: '720h' });
  await must(vault, 'pki/roles/web', {
    allowed_domains: ['service.consul'],
    allow_subdomains: true,
    key_type: 'ec',
    ttl: '72h',
  });
  for (let i = 0; i < 10; i++)
    await must(vault, `secret/data/bench/s${i}`, {
      data: { user: `u${i}`, password: `p-${i}-${'x'.repeat(24)}` },
    });
  for (let i = 0; i < many; i++)
    await must(vault, `secret/data/bench/m${i}`, { data: { value: `v-${i}-${'y'.repeat(40)}` } });
  return (await vault.read('auth/approle/role/bench/role-id')).body.data.role_id;
}

const wrapped = async (vault: VaultServer) =>
  (
    await vault.request('POST', 'auth/approle/role/bench/secret-id', {
      headers: { 'X-Vault-Wrap-TTL': '120s' },
    })
  ).body.wrap_info.token as string;

/** Wall time of one process, in ms; fails loudly if it did not exit 0. */
async function timed(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const [code] = await once(child, 'close');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function keyturnConfig(secrets: string[], cert: boolean): string {
  const lines = ['auth: { approle: { wrapped: true } }', 'secrets:'];
  for (const s of secrets)
    lines.push(`  - { path: secret/bench/${s}, format: json, to: out/${s}.json }`);
  if (cert) {
    lines.push(
      'certs:',
      '  - { role: web, common_name: bench.service.consul, ttl: 1h, cert: out/cert.pem, key: out/key.pem, ca: out/ca.pem }',
    );
  }
  return `${lines.join('\n')}\n`;
}

await using vault = await startVaultServer();
const work = await mkdtemp(join(tmpdir(), 'keyturn-bench-'));
try {
  const many = Number(process.env.BENCH_MANY ?? 1000);
  const roleId = await prepare(vault, many);
  const base = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId };
  await writeFile(
    join(work, 'small.yaml'),
    keyturnConfig(
      Array.from({ length: 10 }, (_, i) => `s${i}`),
      true,
    ),
  );
  await writeFile(
    join(work, 'many.yaml'),
    keyturnConfig(
      Array.from({ length: many }, (_, i) => `m${i}`),
      false,
    ),
  );

  // 1. Start: 10 KV secrets + 1 certificate, against a bare Node start and a curl + jq script.
  const start = { bare: [] as number[], keyturn: [] as number[], shell: [] as number[] };
  for (let r = 0; r < rounds + 2; r++) {
    const dir = await mkdtemp(join(work, 'r'));
    const bare = await timed(process.execPath, ['-e', '']);
    const k = await timed(
      process.execPath,
      [cli, 'prestart', '--config', join(work, 'small.yaml'), '--log-level', 'warn'],
      { ...base, VAULT_SECRET_ID: await wrapped(vault) },
      dir,
    );
    const s = await timed('sh', [join(root, 'bench/shell-prestart.sh')], {
      ...base,
      VAULT_SECRET_ID: await wrapped(vault),
      OUT: join(dir, 'sh'),
      COUNT: '10',
    });
    if (r < 2) continue; // warm-up rounds: disk cache, first compile
    start.bare.push(bare);
    start.keyturn.push(k);
    start.shell.push(s);
  }

  // 2. Throughput: 1,000 secrets, keyturn vs a bare keep-alive client, both 16 at a time.
  const bulk = { keyturn: [] as number[], raw: [] as number[] };
  for (let r = 0; r < 5; r++) {
    const dir = await mkdtemp(join(work, 'm'));
    await rm(join(dir, 'raw'), { force: true, recursive: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'raw'), { mode: 0o700 });
    bulk.keyturn.push(
      await timed(
        process.execPath,
        [cli, 'prestart', '--config', join(work, 'many.yaml'), '--log-level', 'warn'],
        { ...base, VAULT_SECRET_ID: await wrapped(vault) },
        dir,
      ),
    );
    bulk.raw.push(
      await timed(process.execPath, [join(root, 'bench/raw-client.ts')], {
        ...base,
        VAULT_SECRET_ID: await wrapped(vault),
        OUT: join(dir, 'raw'),
        COUNT: String(many),
      }),
    );
  }

  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  const [b, k, s] = [median(start.bare), median(start.keyturn), median(start.shell)];
  const [kb, rb] = [median(bulk.keyturn), median(bulk.raw)];
  process.stdout.write(
    [
      `Node ${process.version}, ${rounds} interleaved rounds (medians); ${many} secrets: 5 rounds.`,
      '',
      '| what | median | ratio | target |',
      '|---|---|---|---|',
      `| bare \`node -e ''\` | ${f(b)} | 1.00× | |`,
      `| \`keyturn prestart\`, 10 KV secrets + 1 PKI cert | ${f(k)} | ${(k / b).toFixed(2)}× bare Node | ≤ 2× |`,
      `| curl + jq preStart script, same job | ${f(s)} | keyturn is ${(s / k).toFixed(2)}× faster | ≥ 3× |`,
      `| \`keyturn prestart\`, ${many} KV secrets | ${f(kb)} | ${(kb / rb).toFixed(2)}× the raw client | ≤ 1.5× |`,
      `| raw keep-alive client, same paths, concurrency 16 | ${f(rb)} | 1.00× | |`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
