import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets, logLines, type RunResult, runKeyturn } from './run-keyturn.ts';
import {
  mountEngines,
  setupApp,
  startVaultServer,
  tempDir,
  type VaultServer,
} from './vault-fixture.ts';

const dbPassword = 'check-db-password-9';
const apiKey = 'check-api-key-0007';

/** The usual world plus its secrets; `app` is the policy every check token carries. */
async function world(vault: VaultServer, role: Record<string, unknown> = {}) {
  await mountEngines(vault);
  const app = await setupApp(vault, role);
  await vault.write('secret/data/app/db', {
    data: { username: 'check-user', password: dbPassword },
  });
  await vault.write('kv/app/api', { key: apiKey });
  return app;
}

async function appToken(vault: VaultServer): Promise<string> {
  const created = await vault.write('auth/token/create', { policies: ['app'], ttl: '10m' });
  return created.body.auth.client_token;
}

/** Writes a config whose every destination (and the token sink) is under out/. */
async function writeConfig(dir: string, secretPaths: string[], withCert = true): Promise<string> {
  const file = join(dir, 'keyturn.yaml');
  const secrets = secretPaths.map(
    (path, i) => `  - { path: ${path}, format: json, to: out/s${i}.json }`,
  );
  const certs = withCert
    ? 'certs:\n  - { mount: pki, role: web, common_name: app.service.consul, cert: out/c.pem, key: out/k.pem }\n'
    : '';
  await writeFile(
    file,
    `vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 2s } }
token: { sink: { path: out/token } }
secrets:
${secrets.join('\n')}
${certs}`,
  );
  return file;
}

/** The table as rows of cells, keyed by PATH. */
function table(result: RunResult): Map<string, string[]> {
  const [header, ...rows] = result.stdout.trimEnd().split('\n');
  expect(header?.split(/\s+/).slice(0, 3)).toEqual(['PATH', 'READABLE', 'EXISTS']);
  return new Map(
    rows.map((row) => row.split(/\s+/)).map((cells) => [cells[0] ?? '', cells.slice(1)]),
  );
}

const minted = (vault: VaultServer) =>
  vault.requests.filter(
    (r) => r.path.startsWith('pki/issue/') || r.path.startsWith('database/creds/'),
  );

describe('keyturn check', () => {
  it('with VAULT_TOKEN: every path readable and every static path present → table, exit 0, nothing minted or written', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    const token = await appToken(vault);
    const config = await writeConfig(dir.path, [
      'secret/app/db',
      'kv/app/api',
      'database/creds/app',
    ]);
    const before = vault.requests.length;

    const result = await runKeyturn(['check', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });

    expect(result.code, result.stderr).toBe(0);
    const rows = table(result);
    expect([...rows.keys()]).toEqual([
      'secret/app/db',
      'kv/app/api',
      'database/creds/app',
      'pki/issue/web',
    ]);
    expect(rows.get('secret/app/db')?.slice(0, 2)).toEqual(['yes', 'yes']);
    expect(rows.get('kv/app/api')?.slice(0, 2)).toEqual(['yes', 'yes']);
    expect(rows.get('database/creds/app')?.slice(0, 2)).toEqual(['yes', '-']);
    expect(rows.get('pki/issue/web')?.slice(0, 2)).toEqual(['yes', '-']);

    const requests = vault.requests.slice(before);
    // Leased and PKI paths are judged by capability only: reading them would mint something.
    expect(minted(vault)).toEqual([]);
    const capabilities = requests.filter((r) => r.path === 'sys/capabilities-self');
    expect(capabilities).toHaveLength(1);
    expect(capabilities[0]?.body.paths).toEqual(
      expect.arrayContaining([
        'secret/data/app/db',
        'kv/app/api',
        'database/creds/app',
        'pki/issue/web',
      ]),
    );
    expect(capabilities[0]?.body.paths).not.toContain('secret/app/db');
    // No login: the given token is looked up, used, and not revoked (it is the CI job's).
    expect(requests.filter((r) => r.path.startsWith('auth/')).map((r) => r.path)).toEqual([
      'auth/token/lookup-self',
    ]);
    expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(200);
    expect(await readdir(dir.path)).toEqual(['keyturn.yaml']);
    expectNoSecrets(result, { token, dbPassword, apiKey, root: vault.rootToken });
  });

  it('a path the policy does not allow → READABLE NO and exit 1, and it is not read', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    await vault.write('secret/data/other/x', { data: { v: 'other-secret-value' } });
    const token = await appToken(vault);
    const config = await writeConfig(dir.path, ['secret/app/db', 'secret/other/x'], false);
    const before = vault.requests.length;

    const result = await runKeyturn(['check', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });

    expect(result.code, result.stderr).toBe(1);
    const rows = table(result);
    expect(rows.get('secret/app/db')?.slice(0, 2)).toEqual(['yes', 'yes']);
    expect(rows.get('secret/other/x')?.slice(0, 2)).toEqual(['NO', '-']);
    expect(vault.requests.slice(before).filter((r) => r.path === 'secret/data/other/x')).toEqual(
      [],
    );
    expect(await readdir(dir.path)).toEqual(['keyturn.yaml']);
    expectNoSecrets(result, { token, dbPassword, other: 'other-secret-value' });
  });

  it('a missing static KV path → EXISTS NO and exit 1 (v1 and v2)', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    const token = await appToken(vault);
    const config = await writeConfig(
      dir.path,
      ['secret/app/db', 'secret/app/missing', 'kv/app/missing'],
      false,
    );

    const result = await runKeyturn(['check', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });

    expect(result.code, result.stderr).toBe(1);
    const rows = table(result);
    expect(rows.get('secret/app/db')?.slice(0, 2)).toEqual(['yes', 'yes']);
    expect(rows.get('secret/app/missing')?.slice(0, 2)).toEqual(['yes', 'NO']);
    expect(rows.get('kv/app/missing')?.slice(0, 2)).toEqual(['yes', 'NO']);
    expect(logLines(result).filter((l) => l.level === 'error')).toEqual([]);
    expect(await readdir(dir.path)).toEqual(['keyturn.yaml']);
    expectNoSecrets(result, { token, dbPassword });
  });

  it('with AppRole instead: logs in (spending the secret ID) and revokes its token at the end', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const app = await world(vault, { secret_id_num_uses: 1 });
    const wrapped = await app.wrappedSecretId();
    const config = await writeConfig(dir.path, ['secret/app/db', 'database/creds/app']);

    const running = runKeyturn(['check', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: wrapped },
    });
    // The token exists only while check runs: note every live token (by accessor) the
    // moment the login answer is sent, before keyturn can send anything else.
    const live = new Map<string, string>();
    await vault.waitFor((r) => {
      if (r.path !== 'auth/approle/login' || r.status !== 200) return false;
      for (const entry of vault.core.tokens.all()) live.set(entry.accessor, entry.id);
      return true;
    });
    const result = await running;

    expect(result.code, result.stderr).toBe(0);
    const rows = table(result);
    expect(rows.get('secret/app/db')?.slice(0, 2)).toEqual(['yes', 'yes']);
    expect(rows.get('database/creds/app')?.slice(0, 2)).toEqual(['yes', '-']);
    expect(minted(vault)).toEqual([]);
    const paths = vault.requests.map((r) => r.path);
    expect(paths.filter((p) => p === 'auth/approle/login')).toHaveLength(1);
    // Revoked last, after the capabilities were asked.
    expect(paths.at(-1)).toBe('auth/token/revoke-self');
    expect(vault.requests.at(-1)?.status).toBe(204);

    const login = vault.requests.find((r) => r.path === 'auth/approle/login');
    const secretId = String(login?.body.secret_id);
    // The one-use secret ID is spent...
    const again = await vault.request('POST', 'auth/approle/login', {
      body: { role_id: app.roleId, secret_id: secretId },
    });
    expect(again.status).toBe(400);
    // ...and the token it bought is revoked: the one whose accessor keyturn logged.
    const accessor = logLines(result).find((l) => typeof l.accessor === 'string')?.accessor;
    const token = live.get(String(accessor));
    expect(token).toEqual(expect.any(String));
    const lookup = await vault.request('GET', 'auth/token/lookup-self', { token });
    expect(lookup.status).toBe(403);
    expect(await readdir(dir.path)).toEqual(['keyturn.yaml']);
    expectNoSecrets(result, { wrapped, secretId, token, roleId: app.roleId, dbPassword });
  });

  it('an invalid VAULT_TOKEN: exit 77 saying so, before any path is asked about', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    const token = await appToken(vault);
    await vault.revokeToken(token);
    const config = await writeConfig(dir.path, ['secret/app/db'], false);
    const before = vault.requests.length;

    const result = await runKeyturn(['check', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });

    expect(result.code).toBe(77);
    const errors = logLines(result).filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/VAULT_TOKEN .*invalid token/);
    expect(vault.requests.slice(before).map((r) => r.path)).toEqual(['auth/token/lookup-self']);
    expect(result.stdout).toBe('');
    expectNoSecrets(result, { token });
  });

  it('a token without lookup-self and a path whose mount cannot be detected: reported, exit 1', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    // Vault's default policy grants lookup-self and capabilities-self; keep only the latter.
    await vault.write('sys/policies/acl/caps', {
      policy: 'path "sys/capabilities-self" { capabilities = ["update"] }',
    });
    const created = await vault.write('auth/token/create', {
      policies: ['app', 'caps'],
      no_default_policy: true,
    });
    const token: string = created.body.auth.client_token;
    expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(403);
    // No such mount: Vault answers sys/internal/ui/mounts with 403 even to root.
    const config = await writeConfig(dir.path, ['secret/app/db', 'nomount/app/x'], false);

    const result = await runKeyturn(['check', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });

    expect(result.code, result.stderr).toBe(1);
    const rows = table(result);
    expect(rows.get('secret/app/db')?.slice(0, 2)).toEqual(['yes', 'yes']);
    expect(rows.get('nomount/app/x')?.slice(0, 2)).toEqual(['NO', '-']);
    expect(result.stdout).toMatch(/nomount\/app\/x .*unknown KV version/);
    expect(logLines(result).some((l) => /does not allow lookup-self/.test(String(l.msg)))).toBe(
      true,
    );
    const warning = logLines(result).find((l) => l.level === 'warn' && l.path === 'nomount/app/x');
    expect(warning?.msg).toMatch(/kv_version/);
    expect(logLines(result).filter((l) => l.level === 'error')).toEqual([]);
    expectNoSecrets(result, { token, dbPassword });
  });

  it('a token whose policy does not allow sys/capabilities-self: exit 77 naming it', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    const created = await vault.write('auth/token/create', {
      policies: ['app'],
      no_default_policy: true,
    });
    const token: string = created.body.auth.client_token;
    const config = await writeConfig(dir.path, ['secret/app/db'], false);

    const result = await runKeyturn(['check', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: token },
    });

    expect(result.code).toBe(77);
    const error = logLines(result).find((l) => l.level === 'error');
    expect(error?.msg).toMatch(/sys\/capabilities-self/);
    expect(error?.msg).toMatch(/default policy/);
    expect(result.stdout).toBe('');
    expectNoSecrets(result, { token, dbPassword });
  });
});
