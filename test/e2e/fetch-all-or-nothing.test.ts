import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  errorLine,
  fileStates,
  filesUnder,
  labelled,
  recordEngineSecrets,
  recordTokens,
  runPrestart,
} from './fetch-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';
import {
  mountEngines,
  setupApp,
  startVaultServer,
  tempDir,
  type VaultServer,
} from './vault-fixture.ts';

const config = `token:
  sink: { path: out/token, mode: "0400" }
secrets:
  - { path: secret/app/db, format: env, to: out/db.env, mode: "0440" }
  - { path: kv/app/api, field: key, to: out/api }
  - { path: database/creds/app, format: json, to: out/creds.json }
`;

/** The default policy minus `secret/data/app/*`, plus one rule so the mount stays detectable. */
const policyWithoutDb = `
path "secret/data/app/other" { capabilities = ["read"] }
path "kv/app/*" { capabilities = ["read"] }
path "database/creds/app" { capabilities = ["read"] }
path "sys/internal/ui/mounts/*" { capabilities = ["read"] }
`;

function databaseEngine(vault: VaultServer) {
  const engine = vault.core.mounts.find('database/')?.engine as
    | { liveUsers(): string[]; droppedUsers(): string[] }
    | undefined;
  if (!engine) throw new Error('no database engine');
  return engine;
}

async function world() {
  const vault = await startVaultServer();
  await mountEngines(vault);
  const app = await setupApp(vault);
  await vault.write('secret/data/app/db', { data: { password: 'db-pass-first-9090' } });
  await vault.write('kv/app/api', { key: 'api-key-first-8080' });
  const passwords = recordEngineSecrets(vault, 'database/', ['password']);
  return { vault, app, passwords };
}

describe('keyturn prestart: fetch everything first (SPEC §5)', () => {
  it('a 403 on one secret exits 77 naming its path, and writes nothing at all', async () => {
    const { vault, app, passwords } = await world();
    await using _vault = vault;
    await using dir = await tempDir();
    await vault.write('sys/policies/acl/app', { policy: policyWithoutDb });
    const tokens = recordTokens(vault);
    const { result, secretId } = await runPrestart(vault, app, dir.path, config);
    expect(result.code).toBe(77);
    const error = errorLine(result);
    expect(error.path).toBe('secret/app/db');
    expect(error.msg).toContain('permission denied reading secret/app/db');
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expect(vault.requests.filter((r) => r.path === 'secret/data/app/db')).toHaveLength(1);
    expect(databaseEngine(vault).liveUsers()).toEqual([]);
    expectNoSecrets(result, {
      db: 'db-pass-first-9090',
      api: 'api-key-first-8080',
      secretId,
      roleId: app.roleId,
      ...labelled('token', tokens),
      ...labelled('dbPassword', passwords),
    });
  });

  it.each([
    ['403', 77, /permission denied reading secret\/app\/db/],
    ['404', 65, /no secret at secret\/app\/db/],
  ])(
    'after a good run, a run whose one secret fails with %s changes no file and revokes its lease and token',
    async (kind, exitCode, message) => {
      const { vault, app, passwords } = await world();
      await using _vault = vault;
      await using dir = await tempDir();
      const firstTokens = recordTokens(vault);
      const first = await runPrestart(vault, app, dir.path, config);
      expect(first.result.code, first.result.stderr).toBe(0);
      const out = ['db.env', 'api', 'creds.json', 'token'].map((f) => join(dir.path, 'out', f));
      const before = await fileStates(out);
      const filesBefore = await filesUnder(dir.path);
      const [firstUser] = databaseEngine(vault).liveUsers();
      expect(firstUser).toBeDefined();

      // A second run would change every file: a new API key, new credentials, a new token.
      await vault.write('kv/app/api', { key: 'api-key-second-7070' });
      if (kind === '403') await vault.write('sys/policies/acl/app', { policy: policyWithoutDb });
      else await vault.delete('secret/metadata/app/db');
      const revoked: string[] = [];
      const onRevoke = vault.core.tokens.onRevoke;
      vault.core.tokens.onRevoke = (entry) => {
        revoked.push(entry.id);
        onRevoke(entry);
      };
      const secondTokens = recordTokens(vault);
      const second = await runPrestart(vault, app, dir.path, config);

      expect(second.result.code).toBe(exitCode);
      expect(errorLine(second.result).msg).toMatch(message);
      expect(await fileStates(out)).toEqual(before);
      expect(await filesUnder(dir.path)).toEqual(filesBefore);
      // The credentials minted by the failed run were revoked; the good run's are untouched.
      expect(databaseEngine(vault).liveUsers()).toEqual([firstUser]);
      expect(databaseEngine(vault).droppedUsers()).toHaveLength(1);
      const statusOf = (path: string) =>
        vault.requests.filter((r) => r.path === path).map((r) => r.status);
      // The default policy has no sys/leases/revoke: the lease goes with the token, quietly.
      expect(statusOf('sys/leases/revoke')).toEqual([403]);
      const warnings = logLines(second.result).filter((l) => l.level === 'warn');
      expect(warnings.filter((l) => /lease|revoke/.test(String(l.msg)))).toEqual([]);
      expect(statusOf('auth/token/revoke-self')).toEqual([204]);
      expect(secondTokens).toHaveLength(1);
      const [secondToken] = secondTokens as [string];
      expect(revoked).toContain(secondToken);
      const lookup = await vault.request('GET', 'auth/token/lookup-self', { token: secondToken });
      expect(lookup.status).toBe(403);
      const firstToken = (await readFile(join(dir.path, 'out', 'token'), 'utf8')).trim();
      expect(firstTokens).toContain(firstToken);
      expect(
        (await vault.request('GET', 'auth/token/lookup-self', { token: firstToken })).status,
      ).toBe(200);
      for (const run of [first, second]) {
        expectNoSecrets(run.result, {
          db: 'db-pass-first-9090',
          api: 'api-key-first-8080',
          api2: 'api-key-second-7070',
          secretId: run.secretId,
          roleId: app.roleId,
          ...labelled('token', [...firstTokens, ...secondTokens]),
          ...labelled('dbPassword', passwords),
        });
      }
    },
  );
});
