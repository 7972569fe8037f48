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
import { tempDir } from './vault-fixture.ts';

const names = ['one', 'two', 'three', 'four', 'five'];
const value = (name: string) => `value-of-${name}-5555`;

describe('keyturn prestart: KV version detection (SPEC §3)', () => {
  it('asks once per mount, however many secrets live on it', async () => {
    await using world = await startFetchWorld(async (vault) => {
      for (const name of names)
        await vault.write(`secret/data/app/${name}`, { data: { v: value(name) } });
      await vault.write('kv/app/a', { v: 'kv-value-a-6666' });
      await vault.write('kv/app/b', { v: 'kv-value-b-7777' });
    });
    const { vault } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
${names.map((n) => `  - { path: secret/app/${n}, field: v, to: out/${n} }`).join('\n')}
  - { path: kv/app/a, field: v, to: out/a }
  - { path: kv/app/b, field: v, to: out/b }
`,
    );
    expect(result.code, result.stderr).toBe(0);
    const detections = requestPaths(vault, /^sys\/internal\/ui\/mounts\//);
    expect(detections.filter((p) => p.startsWith('sys/internal/ui/mounts/secret/'))).toHaveLength(
      1,
    );
    expect(detections.filter((p) => p.startsWith('sys/internal/ui/mounts/kv/'))).toHaveLength(1);
    expect(detections).toHaveLength(2);
    expect(requestPaths(vault, /^secret\/data\//).sort()).toEqual(
      names.map((n) => `secret/data/app/${n}`).sort(),
    );
    expect(requestPaths(vault, /^kv\//).sort()).toEqual(['kv/app/a', 'kv/app/b']);
    for (const name of names) {
      expect(await readFile(join(dir.path, 'out', name), 'utf8')).toBe(value(name));
    }
    expect(await readFile(join(dir.path, 'out', 'b'), 'utf8')).toBe('kv-value-b-7777');
    expectNoFetchSecrets(result, world, {
      ...Object.fromEntries(names.map((n) => [n, value(n)])),
      a: 'kv-value-a-6666',
      b: 'kv-value-b-7777',
    });
  });

  it('tells apart two mounts under one first segment (team/a/ is KV v1, team/b/ is KV v2)', async () => {
    await using world = await startFetchWorld(async (vault) => {
      await vault.write('sys/mounts/team/a', { type: 'kv', options: { version: '1' } });
      await vault.write('sys/mounts/team/b', { type: 'kv', options: { version: '2' } });
      await vault.write('team/a/x', { v: 'team-a-value-1212' });
      await vault.write('team/b/data/y', { data: { v: 'team-b-value-3434' } });
    }, 'path "team/a/*" { capabilities = ["read"] }\npath "team/b/data/*" { capabilities = ["read"] }\n');
    const { vault } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: team/a/x, field: v, to: out/a }
  - { path: team/b/y, field: v, to: out/b }
`,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(dir.path, 'out', 'a'), 'utf8')).toBe('team-a-value-1212');
    expect(await readFile(join(dir.path, 'out', 'b'), 'utf8')).toBe('team-b-value-3434');
    expect(requestPaths(vault, /^team\//).sort()).toEqual(['team/a/x', 'team/b/data/y']);
    expectNoFetchSecrets(result, world, {
      a: 'team-a-value-1212',
      b: 'team-b-value-3434',
    });
  });

  // Vault's hasMountAccess ignores rules with `+` (hashicorp/vault#6525): such a policy can
  // read the secret, yet sys/internal/ui/mounts answers 403 — detection is refused.
  const plusPolicy = `
path "secret/data/+/db" { capabilities = ["read"] }
`;
  const plusWorld = () =>
    startFetchWorld(async (vault) => {
      await vault.write('secret/data/app/db', { data: { password: 'plus-policy-pass-8888' } });
    }, plusPolicy);

  it.each([
    ['defaults', 'defaults: { kv_version: 2 }\n', ''],
    ['the secret', '', ', kv_version: 2'],
  ])(
    'when detection is refused, kv_version in %s decides and the read goes to secret/data/',
    async (_where, defaults, onSecret) => {
      await using world = await plusWorld();
      const { vault } = world;
      await using dir = await tempDir();
      const { result } = await world.prestart(
        dir.path,
        `${defaults}secrets:
  - { path: secret/app/db, field: password, to: out/db${onSecret} }
`,
      );
      expect(result.code, result.stderr).toBe(0);
      const detection = vault.requests.filter((r) => r.path.startsWith('sys/internal/ui/mounts/'));
      expect(detection.map((r) => r.status)).toEqual([403]);
      expect(requestPaths(vault, /^secret\//)).toEqual(['secret/data/app/db']);
      expect(await readFile(join(dir.path, 'out', 'db'), 'utf8')).toBe('plus-policy-pass-8888');
      expectNoFetchSecrets(result, world, {
        password: 'plus-policy-pass-8888',
      });
    },
  );

  it('when detection is refused and no kv_version is set, exits 77 naming the path and suggesting kv_version', async () => {
    await using world = await plusWorld();
    const { vault } = world;
    await using dir = await tempDir();
    const { result } = await world.prestart(
      dir.path,
      `secrets:
  - { path: secret/app/db, field: password, to: out/db }
`,
    );
    expect(result.code).toBe(77);
    const error = errorLine(result);
    expect(error.path).toBe('secret/app/db');
    expect(error.msg).toContain('secret/app/db');
    expect(error.msg).toContain('kv_version');
    expect(requestPaths(vault, /^secret\//)).toEqual([]);
    expect(await filesUnder(dir.path)).toEqual(['keyturn.yaml']);
    expectNoFetchSecrets(result, world, {
      password: 'plus-policy-pass-8888',
    });
  });
});
