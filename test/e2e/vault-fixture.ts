import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';

/** A temp directory removed at the end of the test (`await using`). */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await mkdtemp(join(tmpdir(), 'keyturn-e2e-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

export interface AppRoleSetup {
  roleId: string;
  /** A fresh response-wrapped secret ID, as a CI launcher would hand it over. */
  wrappedSecretId(wrapTtl?: string): Promise<string>;
  /** A fresh plain secret ID. */
  plainSecretId(): Promise<string>;
}

async function ok(promise: ReturnType<VaultServer['write']>, what: string) {
  const response = await promise;
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${response.text}`);
  return response;
}

/**
 * The usual e2e world: AppRole role `app` whose policy reads `secret/app/*` (KV v2),
 * `kv/app/*` (KV v1), `database/creds/app` and issues from `pki/issue/web`.
 */
export async function setupApp(
  vault: VaultServer,
  role: Record<string, unknown> = {},
  policy = defaultPolicy,
): Promise<AppRoleSetup> {
  await ok(vault.write('sys/auth/approle', { type: 'approle' }), 'enable approle');
  await ok(vault.write('sys/policies/acl/app', { policy }), 'write policy');
  await ok(
    vault.write('auth/approle/role/app', { token_policies: ['app'], token_ttl: '1h', ...role }),
    'write role',
  );
  const roleId = (await ok(vault.read('auth/approle/role/app/role-id'), 'role id')).body.data
    .role_id;
  return {
    roleId,
    wrappedSecretId: async (wrapTtl = '120s') => {
      const response = await ok(
        vault.request('POST', 'auth/approle/role/app/secret-id', {
          headers: { 'X-Vault-Wrap-TTL': wrapTtl },
        }),
        'wrapped secret id',
      );
      return response.body.wrap_info.token;
    },
    plainSecretId: async () =>
      (await ok(vault.write('auth/approle/role/app/secret-id'), 'secret id')).body.data.secret_id,
  };
}

export const defaultPolicy = `
path "secret/data/app/*" { capabilities = ["read"] }
path "kv/app/*" { capabilities = ["read"] }
path "database/creds/app" { capabilities = ["read"] }
path "pki/issue/web" { capabilities = ["update"] }
path "sys/internal/ui/mounts/*" { capabilities = ["read"] }
`;

/** KV v1 at `kv/`, PKI with a CA at `pki/` and role `web`, a database engine with role `app`. */
export async function mountEngines(vault: VaultServer): Promise<void> {
  await ok(vault.write('sys/mounts/kv', { type: 'kv', options: { version: '1' } }), 'mount kv');
  await ok(vault.write('sys/mounts/pki', { type: 'pki' }), 'mount pki');
  await ok(
    vault.write('pki/root/generate/internal', { common_name: 'keyturn test CA', ttl: '87600h' }),
    'ca',
  );
  await ok(
    vault.write('pki/roles/web', {
      allowed_domains: ['service.consul'],
      allow_subdomains: true,
      allow_bare_domains: true,
      allow_localhost: true,
      allow_ip_sans: true,
      allow_any_name: false,
      key_type: 'ec',
      ttl: '72h',
      max_ttl: '720h',
    }),
    'pki role',
  );
  await ok(vault.write('sys/mounts/database', { type: 'database' }), 'mount database');
  await ok(
    vault.write('database/config/db', {
      plugin_name: 'postgresql-database-plugin',
      allowed_roles: ['app'],
    }),
    'db config',
  );
  await ok(
    vault.write('database/roles/app', { db_name: 'db', default_ttl: '1h', max_ttl: '24h' }),
    'db role',
  );
}

export type { VaultServer };
export { startVaultServer };
