import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PlannedFile, writeFileSet } from '../../src/files/write-set.ts';
import { makeTempDir } from './make-temp-dir.ts';
import { useTmpfs } from './try-mount-tmpfs.ts';

const asRoot = { keyturnUid: 0 };
const mkfifo = async (path: string) => {
  execFileSync('mkfifo', [path]);
};
const makeDir = async (path: string, mode: number) => {
  await mkdir(path);
  await chmod(path, mode);
};
const file = (
  path: string,
  content: string | Buffer,
  extra: Partial<PlannedFile> = {},
): PlannedFile => ({
  path,
  content,
  mode: 0o600,
  ...extra,
});

describe('writeFileSet', () => {
  it('writes every file, then reports them unchanged, and names the changed groups', async () => {
    await using dir = await makeTempDir();
    const cert = join(dir.path, 'tls/cert.pem');
    const key = join(dir.path, 'tls/key.pem');
    const env = join(dir.path, 'app.env');
    const set = [
      file(cert, 'CERT', { mode: 0o644, group: 'cert:web' }),
      file(key, 'KEY', { group: 'cert:web' }),
      file(env, 'A=1', { mode: 0o400, group: 'secret:app' }),
    ];
    expect(await writeFileSet(set, asRoot)).toEqual({
      written: [cert, key, env],
      unchanged: [],
      changedGroups: ['cert:web', 'secret:app'],
    });
    expect((await stat(key)).mode & 0o777).toBe(0o600);

    set[2] = file(env, 'A=2', { mode: 0o400, group: 'secret:app' });
    expect(await writeFileSet(set, asRoot)).toEqual({
      written: [env],
      unchanged: [cert, key],
      changedGroups: ['secret:app'],
    });
  });

  it.each([
    [
      'a symlink destination',
      'bad',
      (d: string) => symlink('/etc/hostname', join(d, 'bad')),
      'it is a symlink',
    ],
    ['a FIFO destination', 'bad', (d: string) => mkfifo(join(d, 'bad')), 'it is a FIFO'],
    [
      'an insecure parent',
      'bad/file',
      (d: string) => makeDir(join(d, 'bad'), 0o777),
      'unsafe directory',
    ],
    [
      'a file as parent',
      'bad/file',
      (d: string) => writeFile(join(d, 'bad'), ''),
      'not a directory',
    ],
  ])(
    'checks every destination before replacing anything: %s',
    async (_name, bad, prepare, reason) => {
      await using dir = await makeTempDir();
      const first = join(dir.path, 'first');
      await writeFile(first, 'old', { mode: 0o600 });
      await prepare(dir.path);
      const set = [file(first, 'new'), file(join(dir.path, bad), 'x')];
      await expect(writeFileSet(set, asRoot)).rejects.toThrow(reason);
      expect(await readFile(first, 'utf8')).toBe('old');
    },
  );

  it('refuses two outputs to one destination', async () => {
    await using dir = await makeTempDir();
    const path = join(dir.path, 'f');
    await expect(
      writeFileSet([file(path, 'a'), file(`${dir.path}/./f`, 'b')], asRoot),
    ).rejects.toMatchObject({
      exitCode: 64,
      message: `${dir.path}/./f is the destination of more than one output`,
    });
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('refuses, before writing, an owner that a non-root keyturn cannot give', async () => {
    await using dir = await makeTempDir();
    await expect(
      writeFileSet([file(join(dir.path, 'a'), 'a'), file(join(dir.path, 'b'), 'b', { uid: 0 })], {
        keyturnUid: 1000,
      }),
    ).rejects.toThrow('keyturn runs as uid 1000, and only root can give files away');
    expect(await readdir(dir.path)).toEqual([]);
  });
});

describe('writeFileSet failing part-way', () => {
  const tmpfs = useTmpfs('64k');

  it('lists which files were replaced and which were not', async (ctx) => {
    const { mountPoint, skipReason } = tmpfs;
    if (skipReason !== undefined) ctx.skip(skipReason);
    await using dir = await makeTempDir();
    const a = join(dir.path, 'a');
    const same = join(dir.path, 'same');
    const full = join(mountPoint, 'full');
    const after = join(dir.path, 'after');
    await writeFileSet([file(same, 'same')], asRoot);
    const set = [
      file(a, 'A'),
      file(same, 'same'),
      file(full, Buffer.alloc(256 * 1024)),
      file(after, 'B'),
    ];
    const error = (await writeFileSet(set, asRoot).catch((e: unknown) => e)) as Error & {
      exitCode: number;
    };
    expect(error.exitCode).toBe(73);
    // Files are written several at a time, so `after` may or may not have been written when
    // `full` failed: the message must say which, and match the disk.
    const afterWritten = await stat(after).then(
      () => true,
      () => false,
    );
    const replaced = afterWritten ? `${a}, ${after}` : a;
    const notWritten = afterWritten ? full : `${full}, ${after}`;
    expect(error.message).toBe(
      `writing stopped at ${full}: cannot write ${full}: disk full (ENOSPC) while writing. ` +
        `Already replaced: ${replaced}. Unchanged: ${same}. Not written: ${notWritten}.`,
    );
    expect(await readFile(a, 'utf8')).toBe('A');
    expect(await readdir(mountPoint)).toEqual([]);
  });
});
