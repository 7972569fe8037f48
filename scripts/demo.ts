// `npm run demo`: the main job end to end against the embedded Vault-compatible test server.
// It plays both sides: the CI system that issues a wrapped secret ID, and the container
// whose preStart is `keyturn prestart`. It prints file names and modes, never contents.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startVaultServer, type VaultServer } from '../test/vault-server/index.ts';

const root = new URL('..', import.meta.url).pathname;
const say = (text: string) => process.stdout.write(`\n== ${text}\n`);

async function must(vault: VaultServer, path: string, body: unknown) {
  const response = await vault.write(path, body);
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
  return response;
}

/** The operator's side: what a Vault admin configures once. */
async function configureVault(vault: VaultServer): Promise<string> {
  await must(vault, 'sys/auth/approle', { type: 'approle' });
  await must(vault, 'sys/policies/acl/demo', {
    policy: [
      'path "secret/data/demo/*" { capabilities = ["read"] }',
      'path "database/creds/app" { capabilities = ["read"] }',
      'path "pki/issue/web" { capabilities = ["update"] }',
      'path "sys/internal/ui/mounts/*" { capabilities = ["read"] }',
    ].join('\n'),
  });
  await must(vault, 'auth/approle/role/demo', {
    token_policies: ['demo'],
    token_ttl: '1h',
    token_max_ttl: '24h',
    secret_id_num_uses: 1,
    secret_id_ttl: '10m',
  });
  await must(vault, 'secret/data/demo/db', {
    data: { username: 'app', password: 'correct-horse-battery' },
  });
  await must(vault, 'secret/data/demo/api', { data: { key: 'sk_live_0123456789abcdef' } });
  await must(vault, 'secret/data/demo/tls-extra', {
    data: { 'dhparam.pem': 'not-really-a-dhparam', 'ticket.key': 'ticket-key-bytes' },
  });
  await must(vault, 'sys/mounts/database', { type: 'database' });
  await must(vault, 'database/config/postgres', {
    plugin_name: 'postgresql-database-plugin',
    allowed_roles: ['app'],
  });
  await must(vault, 'database/roles/app', {
    db_name: 'postgres',
    default_ttl: '1h',
    max_ttl: '24h',
  });
  await must(vault, 'sys/mounts/pki', { type: 'pki' });
  await must(vault, 'pki/root/generate/internal', { common_name: 'keyturn demo CA', ttl: '720h' });
  await must(vault, 'pki/roles/web', {
    allowed_domains: ['service.consul'],
    allow_subdomains: true,
    allow_localhost: true,
    allow_ip_sans: true,
    key_type: 'ec',
    ttl: '72h',
    max_ttl: '168h',
  });
  return (await vault.read('auth/approle/role/demo/role-id')).body.data.role_id;
}

/** The CI system's side: a one-time secret ID, response-wrapped for two minutes. */
async function issueWrappedSecretId(vault: VaultServer): Promise<string> {
  const response = await vault.request('POST', 'auth/approle/role/demo/secret-id', {
    headers: { 'X-Vault-Wrap-TTL': '120s' },
  });
  return response.body.wrap_info.token;
}

/** Runs the built CLI as the container would. Async: the server lives in this process. */
async function runKeyturn(cwd: string, env: Record<string, string>): Promise<number> {
  const child = spawn(
    process.execPath,
    [join(root, 'dist/keyturn.mjs'), 'prestart', '--log-format', 'pretty'],
    { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const [code] = await once(child, 'close');
  return code ?? 128;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const lines: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    const info = await stat(path);
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    lines.push(
      `  ${mode}  ${entry.isDirectory() ? `${relative(base, path)}/` : `${relative(base, path)}  (${info.size} bytes)`}`,
    );
    if (entry.isDirectory()) lines.push(...(await listFiles(path, base)));
  }
  return lines;
}

const work = await mkdtemp(join(tmpdir(), 'keyturn-demo-'));
await using vault = await startVaultServer();
try {
  say(`Vault-compatible test server on ${vault.addr}`);
  const roleId = await configureVault(vault);
  const wrapped = await issueWrappedSecretId(vault);
  say('CI issued a response-wrapped, single-use secret ID (not shown); the container starts:');
  await copyFile(join(root, 'examples/demo/keyturn.yaml'), join(work, 'keyturn.yaml'));
  await copyFile(join(root, 'examples/demo/app.ini.tmpl'), join(work, 'app.ini.tmpl'));
  const env = { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: wrapped };
  const first = await runKeyturn(work, env);
  say(`keyturn prestart exited ${first}; files written (modes, sizes — never contents):`);
  process.stdout.write(`${(await listFiles(join(work, 'out'))).join('\n')}\n`);
  say('A restarted container reusing the same wrapped secret ID is refused (exit 77):');
  const second = await runKeyturn(work, env);
  say(`keyturn prestart exited ${second}${second === 77 ? ' — as it should' : ' — UNEXPECTED'}`);
  process.exitCode = first === 0 && second === 77 ? 0 : 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
