import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/files/atomic-write.ts';
import { sweepTempFiles } from '../../src/files/sweep.ts';
import { makeTempDir } from './make-temp-dir.ts';
import { runFixture } from './run-fixture.ts';
import { useTmpfs } from './try-mount-tmpfs.ts';

const nobody = { uid: 65534, gid: 65534 };

describe('writeFileAtomic as a non-root user', () => {
  it('reports permission denied in a root-owned 0755 directory and leaves nothing behind', async () => {
    await using dir = await makeTempDir();
    const locked = join(dir.path, 'locked');
    await mkdir(locked, { mode: 0o755 });
    const dest = join(locked, 'secret');
    const run = runFixture('write-file.ts', [dest, '100', '600'], nobody);
    const exit = await run.exited;
    expect(exit.code, exit.stderr).toBe(73);
    const { error } = JSON.parse(exit.stdout);
    expect(error.name).toBe('FileWriteError');
    expect(error.message).toContain(`cannot write ${dest}: permission denied (EACCES)`);
    expect(await readdir(locked)).toEqual([]);
  });

  it('removes its temporary file when the rename is refused (sticky directory, file of another user)', async () => {
    await using dir = await makeTempDir();
    const shared = join(dir.path, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o1777);
    const dest = join(shared, 'secret');
    await writeFile(dest, 'root file', { mode: 0o644 });
    const exit = await runFixture('write-file.ts', [dest, '100', '600'], nobody).exited;
    expect(exit.code, exit.stderr).toBe(73);
    expect(JSON.parse(exit.stdout).error.message).toMatch(
      /permission denied \(EPERM\) while renaming over the destination/,
    );
    expect(await readFile(dest, 'utf8')).toBe('root file');
    expect(await readdir(shared)).toEqual(['secret']);
  });
});

describe('writeFileAtomic on a full disk', () => {
  const tmpfs = useTmpfs('64k');

  it('throws disk full, keeps the old file and leaves no temporary file', async (ctx) => {
    const { mountPoint, skipReason } = tmpfs;
    if (skipReason !== undefined) ctx.skip(skipReason);
    const dest = join(mountPoint, 'big');
    await writeFileAtomic(dest, 'old content', { mode: 0o600, keyturnUid: 0 });
    const error = await writeFileAtomic(dest, Buffer.alloc(256 * 1024, 'n'), {
      mode: 0o600,
      keyturnUid: 0,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'FileWriteError', exitCode: 73 });
    expect((error as Error).message).toContain(`cannot write ${dest}: disk full (ENOSPC)`);
    expect(await readFile(dest, 'utf8')).toBe('old content');
    expect(await readdir(mountPoint)).toEqual(['big']);
  });
});

describe('writeFileAtomic killed mid-write', () => {
  it('leaves the old destination intact, and the leftover is swept at the next start', async () => {
    await using dir = await makeTempDir();
    const dest = join(dir.path, 'cert.pem');
    await writeFileAtomic(dest, 'old certificate', { mode: 0o600, keyturnUid: 0 });
    const run = runFixture('write-file.ts', [dest, String(1024 * 1024), '600', 'n'], {
      env: { KEYTURN_TEST_HANG_AFTER_BYTES: '65536' },
    });
    await run.waitForOutput('hanging');
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');

    expect(await readFile(dest, 'utf8')).toBe('old certificate');
    const leftovers = (await readdir(dir.path)).filter((n) => n.startsWith('.keyturn-tmp-'));
    expect(leftovers).toHaveLength(1);
    const leftover = join(dir.path, leftovers[0] ?? '');
    const stats = await stat(leftover);
    expect([stats.size, stats.mode & 0o7777]).toEqual([65536, 0o600]); // partial, but never wider

    expect(await sweepTempFiles([dir.path])).toEqual([leftover]);
    expect(await readdir(dir.path)).toEqual(['cert.pem']);
  });
});
