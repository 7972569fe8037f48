import { chmod, chown, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesWorld } from './files-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

const ownership = async (path: string) => {
  const s = await stat(path);
  return { mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid };
};

describe('keyturn prestart: modes, owners and parent directories', () => {
  it('creates missing parents 0700 for the file owner and sets the exact mode, owner and group', async () => {
    await using world = await filesWorld();
    await world.vault.write('kv/app/api', { key: 'owned-secret-value-1' });
    await world.vault.write('secret/data/app/files', { data: { one: 'files-owned-value-1' } });
    await world.config(`
secrets:
  - { path: kv/app/api, field: key, to: owned/a/b/api-key, owner: 1234, group: 2345, mode: "0440" }
  - { path: secret/app/files, format: files, to: owned-files/dir, owner: 1234, group: 2345 }
  - { path: kv/app/api, field: key, to: mine/api-key, mode: "0600" }
`);

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(0);
    const at = (path: string) => ownership(join(world.dir, path));
    for (const dir of ['owned', 'owned/a', 'owned/a/b', 'owned-files', 'owned-files/dir'])
      expect(await at(dir), dir).toEqual({ mode: '700', uid: 1234, gid: 2345 });
    expect(await at('owned/a/b/api-key')).toEqual({ mode: '440', uid: 1234, gid: 2345 });
    expect(await at('owned-files/dir/one')).toEqual({ mode: '400', uid: 1234, gid: 2345 });
    expect(await at('mine')).toEqual({ mode: '700', uid: 0, gid: 0 });
    expect(await at('mine/api-key')).toEqual({ mode: '600', uid: 0, gid: 0 });
    expect(await readFile(join(world.dir, 'owned/a/b/api-key'), 'utf8')).toBe(
      'owned-secret-value-1',
    );
    expectNoSecrets(
      run,
      world.handled({ key: 'owned-secret-value-1', file: 'files-owned-value-1' }),
    );
  });
});

describe('keyturn prestart: unchanged content is not rewritten', () => {
  it('keeps the same inode and mtime when nothing changed, and rewrites on a change', async () => {
    await using world = await filesWorld();
    await world.vault.write('secret/data/app/db', {
      data: { user: 'u1', password: 'first-pass-1' },
    });
    await world.config(`
token:
  sink: { path: out/token }
secrets:
  - { path: secret/app/db, format: env, to: out/db.env }
  - { path: secret/app/db, format: files, to: out/db }
`);
    const destinations = ['out/db.env', 'out/db/user', 'out/db/password'].map((p) =>
      join(world.dir, p),
    );
    const identity = async () =>
      Promise.all(
        destinations.map(async (p) => {
          const s = await stat(p);
          return { ino: s.ino, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
        }),
      );

    const first = await world.prestart();
    expect(first.code, first.stderr).toBe(0);
    const before = await identity();

    const second = await world.prestart();
    expect(second.code, second.stderr).toBe(0);
    expect(await identity()).toEqual(before);
    const lines = logLines(second);
    const unchanged = lines.filter((l) => l.msg === 'unchanged').map((l) => l.to);
    expect(unchanged.sort()).toEqual([...destinations].sort());
    expect(lines.find((l) => l.msg === 'unchanged')?.level).toBe('debug');
    // Only the token sink changes: the second login minted a new token.
    expect(lines.filter((l) => l.msg === 'written').map((l) => l.to)).toEqual([
      join(world.dir, 'out/token'),
    ]);

    await world.vault.write('secret/data/app/db', {
      data: { user: 'u1', password: 'second-pass-2' },
    });
    const third = await world.prestart();
    expect(third.code, third.stderr).toBe(0);
    const after = await identity();
    expect(after[0]?.ino).not.toBe(before[0]?.ino); // db.env: new content, new file
    expect(after[1]).toEqual(before[1]); // files/user did not change
    expect(after[2]?.ino).not.toBe(before[2]?.ino);
    expect(await readFile(destinations[2] ?? '', 'utf8')).toBe('second-pass-2');
    for (const run of [first, second, third])
      expectNoSecrets(run, world.handled({ p1: 'first-pass-1', p2: 'second-pass-2' }));
  });
});

describe('keyturn prestart: same content, wrong mode or owner', () => {
  it('rewrites a file whose content is right but whose mode or owner was changed', async () => {
    await using world = await filesWorld();
    await world.vault.write('kv/app/api', { key: 'repaired-secret-value' });
    await world.config(`
secrets:
  - { path: kv/app/api, field: key, to: out/wide }
  - { path: kv/app/api, field: key, to: out/given-away, mode: "0600" }
`);
    const first = await world.prestart();
    expect(first.code, first.stderr).toBe(0);
    await chmod(join(world.dir, 'out/wide'), 0o644);
    await chown(join(world.dir, 'out/given-away'), 4321, 4321);

    const second = await world.prestart();

    expect(second.code, second.stderr).toBe(0);
    expect(await ownership(join(world.dir, 'out/wide'))).toEqual({ mode: '400', uid: 0, gid: 0 });
    expect(await ownership(join(world.dir, 'out/given-away'))).toEqual({
      mode: '600',
      uid: 0,
      gid: 0,
    });
    const written = logLines(second)
      .filter((l) => l.msg === 'written')
      .map((l) => l.to);
    expect(written.sort()).toEqual([
      join(world.dir, 'out/given-away'),
      join(world.dir, 'out/wide'),
    ]);
    for (const run of [first, second])
      expectNoSecrets(run, world.handled({ key: 'repaired-secret-value' }));
  });
});

describe('keyturn prestart: the token sink', () => {
  it('writes the token 0400 through the same writer', async () => {
    await using world = await filesWorld();
    await world.config(`
token:
  sink: { path: run/secrets/vault-token }
`);
    const run = await world.prestart();
    expect(run.code, run.stderr).toBe(0);
    const sink = join(world.dir, 'run/secrets/vault-token');
    expect(await ownership(sink)).toEqual({ mode: '400', uid: 0, gid: 0 });
    expect(await ownership(join(world.dir, 'run'))).toEqual({ mode: '700', uid: 0, gid: 0 });
    const token = await readFile(sink, 'utf8');
    expect(token).toMatch(/^hvs\.\S+\n$/);
    const lookup = await world.vault.request('GET', 'auth/token/lookup-self', {
      token: token.trim(),
    });
    expect(lookup.status).toBe(200);
    expectNoSecrets(run, world.handled({ token: token.trim() }));
  });

  it('refuses a sink mode wider than 0600 as a config error (64) before any request', async () => {
    await using world = await filesWorld();
    await world.config(`
token:
  sink: { path: out/token, mode: "0640" }
`);
    const run = await world.prestart();
    expect(run.code, run.stderr).toBe(64);
    expect(run.stderr).toMatch(/token\.sink\.mode.*0640 is wider than 0600/);
    expect(world.paths(run.requestsBefore)).toEqual([]);
    expectNoSecrets(run, world.handled());
  });

  it('refuses a sink that is a symlink (73) before login', async () => {
    await using world = await filesWorld();
    await mkdir(join(world.dir, 'out'), { mode: 0o700 });
    await writeFile(join(world.dir, 'elsewhere'), '');
    await symlink(join(world.dir, 'elsewhere'), join(world.dir, 'out/token'));
    await world.config(`
token:
  sink: { path: out/token }
`);
    const run = await world.prestart();
    expect(run.code, run.stderr).toBe(73);
    expect(world.paths(run.requestsBefore).filter((p) => p.startsWith('auth/'))).toEqual([]);
    expect(await readFile(join(world.dir, 'elsewhere'), 'utf8')).toBe('');
    expectNoSecrets(run, world.handled());
  });
});
