import { chmod, chown, lchown, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/files/atomic-write.ts';
import { checkParent, ensureSafeParent } from '../../src/files/safe-dir.ts';
import { makeTempDir } from './make-temp-dir.ts';

const asRoot = { keyturnUid: 0 };

/** A directory under `base` with the given mode (set exactly, past the umask) and owner. */
async function makeDir(base: string, name: string, mode: number, uid = 0): Promise<string> {
  const path = join(base, name);
  await mkdir(path);
  await chown(path, uid, 0);
  await chmod(path, mode);
  return path;
}

describe('ensureSafeParent', () => {
  it('creates every missing level 0700, owned by the file owner, whatever the umask', async () => {
    await using dir = await makeTempDir();
    const previous = process.umask(0o777);
    let created: string;
    try {
      created = await ensureSafeParent(join(dir.path, 'a/b/c'), {
        ...asRoot,
        ownerUid: 1234,
        ownerGid: 5678,
      });
    } finally {
      process.umask(previous);
    }
    expect(created).toBe(join(dir.path, 'a/b/c'));
    for (const level of ['a', 'a/b', 'a/b/c']) {
      const stats = await stat(join(dir.path, level));
      expect([level, stats.mode & 0o7777, stats.uid, stats.gid]).toEqual([
        level,
        0o700,
        1234,
        5678,
      ]);
    }
  });

  it.each([
    [
      '0777 without the sticky bit',
      0o777,
      0,
      /writable by group or others without the sticky bit \(mode 0777\)/,
    ],
    ['0775 (group-writable)', 0o775, 0, /mode 0775/],
    [
      '0755 owned by another uid',
      0o755,
      4321,
      /owned by uid 4321, not root, keyturn's user \(uid 0\)/,
    ],
  ])('refuses a parent %s, and accepts it with allowInsecure', async (_name, mode, uid, reason) => {
    await using dir = await makeTempDir();
    const parent = await makeDir(dir.path, 'parent', mode, uid);
    const dest = join(parent, 'secret');
    const write = writeFileAtomic(dest, 'x', { mode: 0o600, ...asRoot });
    const error = (await write.catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ name: 'FileWriteError', exitCode: 73 });
    expect(error.message).toContain(`unsafe directory ${parent}:`);
    expect(error.message).toMatch(reason);
    expect(error.message).toContain('allow_insecure_dir: true');
    await expect(stat(dest)).rejects.toThrow('ENOENT');
    await writeFileAtomic(dest, 'x', { mode: 0o600, allowInsecureDir: true, ...asRoot });
    expect(await readFile(dest, 'utf8')).toBe('x');
  });

  it('refuses an insecure ancestor above a safe immediate parent', async () => {
    await using dir = await makeTempDir();
    const open = await makeDir(dir.path, 'open', 0o777);
    const safe = await makeDir(open, 'safe', 0o700);
    await expect(writeFileAtomic(join(safe, 'f'), 'x', { mode: 0o600, ...asRoot })).rejects.toThrow(
      `unsafe directory ${open}:`,
    );
  });

  it.each([
    ['a sticky world-writable directory (/tmp-like)', 0o1777, 0, undefined],
    ["a directory owned by the file's owner", 0o755, 1234, 1234],
    ["a directory owned by keyturn's own user", 0o700, 777, undefined],
  ])('accepts %s', async (_name, mode, dirUid, ownerUid) => {
    await using dir = await makeTempDir();
    const parent = await makeDir(dir.path, 'p', mode, dirUid);
    const keyturnUid = dirUid === 777 ? 777 : 0;
    await expect(checkParent(parent, { keyturnUid, ownerUid })).resolves.toEqual({
      existing: parent,
      missing: [],
    });
  });

  it('follows a root-owned symlink (/var/run -> /run) to a safe directory', async () => {
    await using dir = await makeTempDir();
    const real = await makeDir(dir.path, 'run', 0o755);
    await symlink(real, join(dir.path, 'var-run'));
    await writeFileAtomic(join(dir.path, 'var-run/app/secret'), 'x', { mode: 0o600, ...asRoot });
    expect(await readFile(join(real, 'app/secret'), 'utf8')).toBe('x');
    expect((await stat(join(real, 'app'))).mode & 0o7777).toBe(0o700);
  });

  it('checks the directories a symlink leads to', async () => {
    await using dir = await makeTempDir();
    const open = await makeDir(dir.path, 'open', 0o777);
    await symlink(open, join(dir.path, 'link'));
    await expect(checkParent(join(dir.path, 'link'), asRoot)).rejects.toThrow(
      `unsafe directory ${open}:`,
    );
  });

  it('refuses a symlink owned by an untrusted user', async () => {
    await using dir = await makeTempDir();
    const real = await makeDir(dir.path, 'real', 0o755);
    const link = join(dir.path, 'link');
    await symlink(real, link);
    await lchown(link, 4321, 0);
    await expect(checkParent(link, asRoot)).rejects.toThrow(
      `unsafe directory ${link}: symlink owned by uid 4321`,
    );
  });

  it('resolves .. after a symlink the way the kernel does', async () => {
    await using dir = await makeTempDir();
    const other = await makeDir(dir.path, 'other', 0o755);
    const deep = await makeDir(other, 'deep', 0o755);
    await symlink(deep, join(dir.path, 'link'));
    await writeFileAtomic(`${dir.path}/link/../f`, 'x', { mode: 0o600, ...asRoot });
    expect(await readFile(join(other, 'f'), 'utf8')).toBe('x');
  });

  it('refuses a path through a regular file, even with allowInsecure', async () => {
    await using dir = await makeTempDir();
    await writeFile(join(dir.path, 'file'), '');
    await expect(
      checkParent(join(dir.path, 'file/sub'), { ...asRoot, allowInsecure: true }),
    ).rejects.toThrow('it is a regular file, not a directory');
  });

  it('refuses a symlink loop', async () => {
    await using dir = await makeTempDir();
    await symlink(join(dir.path, 'b'), join(dir.path, 'a'));
    await symlink(join(dir.path, 'a'), join(dir.path, 'b'));
    await expect(checkParent(join(dir.path, 'a'), asRoot)).rejects.toThrow(
      'too many levels of symlinks',
    );
  });

  it('reports missing levels without creating them', async () => {
    await using dir = await makeTempDir();
    await expect(checkParent(join(dir.path, 'x/./y'), asRoot)).resolves.toEqual({
      existing: dir.path,
      missing: ['x', 'y'],
    });
    await expect(stat(join(dir.path, 'x'))).rejects.toThrow('ENOENT');
  });

  it("refuses '..' below a missing directory", async () => {
    await using dir = await makeTempDir();
    await expect(checkParent(`${join(dir.path, 'x')}/../y`, asRoot)).rejects.toThrow(
      "'..' after a directory that does not exist",
    );
  });
});
