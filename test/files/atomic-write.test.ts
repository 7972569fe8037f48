import { execFileSync } from 'node:child_process';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/files/atomic-write.ts';
import { makeTempDir } from './make-temp-dir.ts';

const root = { keyturnUid: 0 };
const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

describe('writeFileAtomic', () => {
  it.each([
    ['0400', '022'],
    ['0440', '022'],
    ['0600', '022'],
    ['0400', '277'],
    ['0440', '077'],
    ['0600', '777'],
  ])('creates mode %s exactly under umask %s', async (modeText, maskText) => {
    const [mode, mask] = [Number.parseInt(modeText, 8), Number.parseInt(maskText, 8)];
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'secret');
    await withUmask(mask, () => writeFileAtomic(dest, 's3cret', { mode, ...root }));
    expect(await modeOf(dest)).toBe(mode);
    expect(await readFile(dest, 'utf8')).toBe('s3cret');
    expect(await readdir(dir.path)).toEqual(['secret']);
  });

  it('sets owner and group before the content is there', async () => {
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'owned');
    expect(await writeFileAtomic(dest, 'x', { mode: 0o440, uid: 1234, gid: 5678, ...root })).toBe(
      'written',
    );
    const stats = await stat(dest);
    expect([stats.uid, stats.gid, stats.mode & 0o7777]).toEqual([1234, 5678, 0o440]);
  });

  it('leaves an identical file alone: same inode, same mtime', async () => {
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'same');
    await writeFileAtomic(dest, 'content', { mode: 0o400, ...root });
    const before = await stat(dest);
    expect(await writeFileAtomic(dest, Buffer.from('content'), { mode: 0o400, ...root })).toBe(
      'unchanged',
    );
    const after = await stat(dest);
    expect([after.ino, after.mtimeMs, after.ctimeMs]).toEqual([
      before.ino,
      before.mtimeMs,
      before.ctimeMs,
    ]);
  });

  it.each([
    ['content', async (p: string) => writeFile(p, 'other')],
    ['mode', async (p: string) => chmod(p, 0o644)],
    ['owner', async (p: string) => chown(p, 4321, 0)],
  ])('rewrites a file whose %s differs, with a new inode', async (_what, tamper) => {
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'f');
    await writeFileAtomic(dest, 'content', { mode: 0o400, ...root });
    await tamper(dest);
    const before = await stat(dest);
    expect(await writeFileAtomic(dest, 'content', { mode: 0o400, ...root })).toBe('written');
    const after = await stat(dest);
    expect(after.ino).not.toBe(before.ino);
    expect([after.uid, after.mode & 0o7777]).toEqual([0, 0o400]);
    expect(await readFile(dest, 'utf8')).toBe('content');
  });

  it('refuses a symlink destination and leaves its target untouched', async () => {
    await using dir = await makeTempDir();
    const target = join(dir.path, 'target');
    await writeFile(target, 'original', { mode: 0o644 });
    const dest = join(dir.path, 'link');
    await symlink(target, dest);
    await expect(writeFileAtomic(dest, 'evil', { mode: 0o600, ...root })).rejects.toMatchObject({
      name: 'FileWriteError',
      exitCode: 73,
      message: expect.stringMatching(new RegExp(`${dest}: it is a symlink`)),
    });
    expect(await readFile(target, 'utf8')).toBe('original');
    expect(await modeOf(target)).toBe(0o644);
    expect((await lstat(dest)).isSymbolicLink()).toBe(true);
  });

  it('refuses a FIFO destination without blocking on it', async () => {
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'fifo');
    execFileSync('mkfifo', [dest]);
    // Blocking on the FIFO would never settle: the test's timeout catches that.
    await expect(writeFileAtomic(dest, 'x', { mode: 0o600, ...root })).rejects.toThrow(
      `refusing to write ${dest}: it is a FIFO (named pipe), not a regular file`,
    );
    expect((await lstat(dest)).isFIFO()).toBe(true);
  });

  it('refuses a directory destination', async () => {
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'd');
    await mkdir(dest);
    await expect(writeFileAtomic(dest, 'x', { mode: 0o600, ...root })).rejects.toThrow(
      'it is a directory, not a regular file',
    );
  });

  it('refuses a character device destination', async () => {
    await expect(writeFileAtomic('/dev/null', 'x', { mode: 0o600, ...root })).rejects.toThrow(
      'refusing to write /dev/null: it is a character device',
    );
  });

  it.each([
    ['01600', 0o1600],
    ['04400', 0o4400],
    ['-1', -1],
    ['0.5', 0.5],
  ])('refuses mode %s', async (_text, mode) => {
    await using dir = await makeTempDir();
    await expect(
      writeFileAtomic(join(dir.path, 'f'), 'x', { mode, ...root }),
    ).rejects.toMatchObject({
      exitCode: 64,
    });
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('refuses a destination that names no file', async () => {
    await using dir = await makeTempDir();
    await expect(writeFileAtomic(`${dir.path}/`, 'x', { mode: 0o600, ...root })).rejects.toThrow(
      'does not name a file',
    );
  });

  it('never puts the content in an error message', async () => {
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'd');
    await mkdir(dest);
    const error = await writeFileAtomic(dest, 'TOPSECRETVALUE', { mode: 0o600, ...root }).catch(
      (e) => e,
    );
    expect(String(error.message)).not.toContain('TOPSECRETVALUE');
  });
});
