import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allValues,
  appSecrets,
  archiveText,
  backup,
  expectOk,
  kvWrites,
  mountKv1,
  passphrase,
  readBack,
  restore,
  seed,
} from './backup-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';
import { startVaultServer, tempDir } from './vault-fixture.ts';

const paths = Object.keys(appSecrets).sort();
// Every run derives a key with scrypt at 128 MiB (about 0.5 s idle, seconds on a busy machine).
const slow = { timeout: 120_000 };

describe('keyturn backup and restore', () => {
  it(
    'round-trips KV v2 → archive → KV v1 → archive → KV v2, with custom metadata where both sides keep it',
    slow,
    async () => {
      await using v2 = await startVaultServer();
      await using v1 = await startVaultServer();
      await using dir = await tempDir();
      await mountKv1(v1);
      await seed(v2, 'secret', 'app/', 2);
      await v2.write('secret/metadata/app/db', { custom_metadata: { owner: 'team-db' } });
      // A secret whose latest version is deleted is listed but has nothing to restore.
      await v2.write('secret/data/app/gone', { data: { old: 'gone-value-123' } });
      await v2.request('DELETE', 'secret/data/app/gone');
      // Outside the prefix: never read.
      await v2.write('secret/data/other/x', { data: { v: 'outside-value-1' } });
      v2.requests.length = 0;

      const made = await backup(v2, ['--prefix', 'secret/app/', '--out', 'app.ktb'], dir.path);
      expectOk(made);
      expect(made.stdout).toContain(`backed up ${paths.length} secrets`);
      const stats = await lstat(join(dir.path, 'app.ktb'));
      expect(stats.mode & 0o777).toBe(0o600);
      expect(await readdir(dir.path)).toEqual(['app.ktb']);
      expect(v2.requests.some((r) => r.path.includes('other/'))).toBe(false);
      // The header says the format and the KDF, nothing else; no path or value is readable.
      const { header, bytes } = await archiveText(dir.path);
      const parsed = JSON.parse(header);
      expect(Object.keys(parsed)).toEqual(['format', 'version', 'kdf']);
      expect(Object.keys(parsed.kdf)).toEqual(['name', 'N', 'r', 'p', 'salt']);
      for (const text of [...paths, 'secret/app', 'team-db', ...Object.values(allValues())]) {
        expect(bytes.includes(Buffer.from(text)), text).toBe(false);
      }

      const listed = await restore(v2, ['--in', 'app.ktb', '--list'], dir.path);
      expectOk(listed);
      expect(listed.stdout.trim().split('\n')).toEqual(paths.map((p) => `secret/app/${p}`));

      const into1 = await restore(
        v1,
        ['--in', 'app.ktb', '--prefix-map', 'secret/app/=kv/app/'],
        dir.path,
      );
      expectOk(into1);
      expect(into1.stdout).toContain(`${paths.length} created, 0 updated, 0 skipped, 0 conflicts`);
      for (const [path, data] of Object.entries(appSecrets)) {
        expect(await readBack(v1, 'kv', `app/${path}`, 1)).toEqual(data);
      }
      expect(
        logLines(into1).some((l) => String(l.msg).includes('custom metadata was not restored')),
      ).toBe(true);

      // And back: KV v1 → archive → a fresh folder on the KV v2 server.
      const again = await backup(v1, ['--prefix', 'kv/app', '--out', 'v1.ktb'], dir.path);
      expectOk(again);
      const into2 = await restore(
        v2,
        ['--in', 'v1.ktb', '--prefix-map', 'kv/app/=secret/copy/'],
        dir.path,
      );
      expectOk(into2);
      for (const [path, data] of Object.entries(appSecrets)) {
        expect(await readBack(v2, 'secret', `copy/${path}`, 2)).toEqual(data);
      }
      // Restoring into the original place keeps the custom metadata the archive carries.
      await using fresh = await startVaultServer();
      expectOk(await restore(fresh, ['--in', 'app.ktb'], dir.path));
      expect((await fresh.read('secret/metadata/app/db')).body.data.custom_metadata).toEqual({
        owner: 'team-db',
      });
      for (const result of [made, listed, into1, again, into2]) {
        expectNoSecrets(result, { ...allValues(), root: v2.rootToken, root1: v1.rootToken });
      }
    },
  );

  it(
    'skips what exists, overwrites with check-and-set only when asked, and writes nothing in a dry run',
    slow,
    async () => {
      await using vault = await startVaultServer();
      await using dir = await tempDir();
      await seed(vault, 'secret', 'app/', 2);
      expectOk(await backup(vault, ['--prefix', 'secret/app/', '--out', 'app.ktb'], dir.path));
      await vault.write('secret/data/app/db', { data: { password: 'changed-since-backup' } });
      await vault.request('DELETE', 'secret/metadata/app/api');

      vault.requests.length = 0;
      const dry = await restore(vault, ['--in', 'app.ktb', '--dry-run', '--overwrite'], dir.path);
      expectOk(dry);
      expect(kvWrites(vault)).toEqual([]);
      expect(dry.stdout).toContain('would be created\tsecret/app/api');
      expect(dry.stdout).toContain('would be updated\tsecret/app/db');

      const plain = await restore(vault, ['--in', 'app.ktb'], dir.path);
      expectOk(plain);
      expect(plain.stdout).toContain('1 created, 0 updated, 3 skipped, 0 conflicts');
      expect(await readBack(vault, 'secret', 'app/db', 2)).toEqual({
        password: 'changed-since-backup',
      });

      vault.requests.length = 0;
      const over = await restore(vault, ['--in', 'app.ktb', '--overwrite'], dir.path);
      expectOk(over);
      expect(over.stdout).toContain('0 created, 4 updated, 0 skipped, 0 conflicts');
      expect(await readBack(vault, 'secret', 'app/db', 2)).toEqual(appSecrets.db);
      const dbWrite = kvWrites(vault).find((r) => r.path === 'secret/data/app/db');
      expect(dbWrite?.body.options).toEqual({ cas: 2 });
      for (const result of [dry, plain, over]) {
        expectNoSecrets(result, { ...allValues(), changed: 'changed-since-backup', passphrase });
      }
    },
  );
});
