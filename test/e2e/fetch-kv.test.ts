import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  errorLine,
  expectNoFetchSecrets,
  filesUnder,
  requestPaths,
  startFetchWorld,
} from './fetch-world.ts';
import { logLines } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

const versions = ['first-pass-1111', 'second-pass-2222', 'third-pass-3333'];

/** A world with three versions of secret/app/db (KV v2) and one KV v1 secret. */
function kvWorld() {
  return startFetchWorld(async (vault) => {
    for (const password of versions) {
      await vault.write('secret/data/app/db', { data: { password } });
    }
    await vault.write('kv/app/api', { key: 'kv-one-api-key-4444' });
  });
}

const secretValues = Object.fromEntries(versions.map((v, i) => [`version${i + 1}`, v]));

describe('keyturn prestart: KV reads', () => {
  it('reads a pinned KV v2 version, and the latest without a pin', async () => {
    await using world = await kvWorld();
    const { vault } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: secret/app/db, version: 2, field: password, to: out/pinned }
  - { path: secret/app/db, field: password, to: out/latest }
  - { path: kv/app/api, field: key, to: out/api }
`,
    );
    expect(result.code, result.stderr).toBe(0);
    const out = (name: string) => readFile(join(dir.path, 'out', name), 'utf8');
    expect(await out('pinned')).toBe('second-pass-2222');
    expect(await out('latest')).toBe('third-pass-3333');
    expect(await out('api')).toBe('kv-one-api-key-4444');
    const reads = vault.requests.filter((r) => r.path === 'secret/data/app/db');
    expect(reads.map((r) => r.query.version ?? 'latest').sort()).toEqual(['2', 'latest']);
    expect(requestPaths(vault, /^kv\//)).toEqual(['kv/app/api']);
    const fetched = logLines(result).filter((l) => l.msg === 'fetched');
    expect(fetched.map((l) => l.version).sort()).toEqual([2, 3, undefined]);
    expectNoFetchSecrets(result, world, {
      ...secretValues,
      api: 'kv-one-api-key-4444',
    });
  });

  it.each([
    ['pinned', 'deleted', 2, ', version: 2', /^secret\/app\/db version 2 was deleted at /],
    ['pinned', 'destroyed', 2, ', version: 2', /^secret\/app\/db version 2 was destroyed/],
    ['latest', 'deleted', 3, '', /^secret\/app\/db \(latest version, 3\) was deleted at /],
  ])(
    'a %s version that was %s exits 65 naming path and version, writing nothing',
    async (_which, action, version, pin, message) => {
      await using world = await kvWorld();
      const { vault } = world;
      await using dir = await tempDir();
      const endpoint = `secret/${action === 'deleted' ? 'delete' : 'destroy'}/app/db`;
      expect((await vault.write(endpoint, { versions: [version] })).status).toBe(204);
      const { result } = await world.prestart(
        dir.path,
        `secrets:
  - { path: kv/app/api, field: key, to: out/api }
  - { path: secret/app/db, field: password, to: out/pinned${pin} }
`,
      );
      expect(result.code).toBe(65);
      const error = errorLine(result);
      expect(error.msg).toMatch(message);
      expect(error).toMatchObject({ path: 'secret/app/db', version });
      expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
      expectNoFetchSecrets(result, world, {
        ...secretValues,
        api: 'kv-one-api-key-4444',
      });
    },
  );

  it.each([
    ['KV v2', 'secret/app/missing'],
    ['KV v1', 'kv/app/missing'],
  ])('a missing %s path exits 65 naming it, writing nothing', async (_kind, path) => {
    await using world = await kvWorld();
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: secret/app/db, format: json, to: out/db.json }
  - { path: ${path}, format: json, to: out/missing.json }
`,
    );
    expect(result.code).toBe(65);
    const error = errorLine(result);
    expect(error.msg).toContain(`no secret at ${path}`);
    expect(error.path).toBe(path);
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expectNoFetchSecrets(result, world, secretValues);
  });

  it('a missing field exits 65 naming the field and the keys, never the values', async () => {
    await using world = await kvWorld();
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: kv/app/api, field: key, to: out/api }
  - { path: secret/app/db, field: passwd, to: out/db }
`,
    );
    expect(result.code).toBe(65);
    const error = errorLine(result);
    expect(error.msg).toContain('secret/app/db has no field "passwd"');
    expect(error.msg).toContain('password'); // the key that exists, as a hint
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expectNoFetchSecrets(result, world, {
      ...secretValues,
      api: 'kv-one-api-key-4444',
    });
  });

  it('a version pin on a mount that turns out to be KV v1 exits 65 instead of reading the unversioned secret', async () => {
    await using world = await kvWorld();
    const { vault } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: kv/app/api, version: 2, field: key, to: out/api }
`,
    );
    expect(result.code).toBe(65);
    expect(errorLine(result).msg).toMatch(/kv\/app\/api.*version.*KV v1/);
    expect(requestPaths(vault, /^kv\//)).toEqual([]);
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expectNoFetchSecrets(result, world, {
      api: 'kv-one-api-key-4444',
    });
  });
});
