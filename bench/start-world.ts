// What the start-time and memory benches share: the test server's setup (AppRole, KV, PKI),
// keyturn configs, wrapped secret IDs, and timing or peak-RSS of one process run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VaultServer } from '../test/vault-server/index.ts';

export const root = new URL('..', import.meta.url).pathname;
export const cli = join(root, 'dist/keyturn.mjs');
export const executable = join(root, 'dist/keyturn');

async function must(vault: VaultServer, path: string, body: unknown = {}) {
  const response = await vault.write(path, body);
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
  return response;
}

/** AppRole `bench`, 10 small secrets s0..s9, `many` secrets m0.., a PKI role; its role ID. */
export async function prepare(vault: VaultServer, many: number): Promise<string> {
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

export const wrapped = async (vault: VaultServer) =>
  (
    await vault.request('POST', 'auth/approle/role/bench/secret-id', {
      headers: { 'X-Vault-Wrap-TTL': '120s' },
    })
  ).body.wrap_info.token as string;

export function keyturnConfig(secrets: string[], cert: boolean, stateDir?: string): string {
  const lines = ['auth: { approle: { wrapped: true } }'];
  if (stateDir) lines.push(`state_dir: ${stateDir}`);
  lines.push('secrets:');
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

export async function writeConfigs(dir: string, many: number): Promise<Record<string, string>> {
  const ten = Array.from({ length: 10 }, (_, i) => `s${i}`);
  const files = {
    ten: keyturnConfig(ten, false),
    tenCert: keyturnConfig(ten, true),
    many: keyturnConfig(
      Array.from({ length: many }, (_, i) => `m${i}`),
      false,
    ),
  };
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = join(dir, `${name}.yaml`);
    await writeFile(paths[name], text);
  }
  return paths;
}

export interface Timed {
  ms: number;
  /** Peak RSS in KiB, when the run was asked to report it (see `peakProbe`). */
  peakKb?: number;
}

/** Wall time of one process, in ms; fails loudly if it did not exit 0. */
export async function timed(
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

/**
 * A preload that writes the process's peak RSS (getrusage's maxrss, KiB) to $PEAK_FILE at
 * exit: the same probe in keyturn and in the raw client, so both pay it alike.
 */
export async function peakProbe(dir: string): Promise<string> {
  const file = join(dir, 'peak-probe.mjs');
  await writeFile(
    file,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.PEAK_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  return file;
}

/** Runs with the peak probe preloaded; the wall time and the peak RSS. */
export async function timedPeak(
  probe: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<Timed> {
  const peakFile = join(cwd, `peak-${Math.random().toString(36).slice(2)}`);
  const ms = await timed(
    command,
    args,
    { ...env, NODE_OPTIONS: `--import=${probe}`, PEAK_FILE: peakFile },
    cwd,
  );
  const peakKb = Number(await readFile(peakFile, 'utf8'));
  await rm(peakFile, { force: true });
  return { ms, peakKb };
}

export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
