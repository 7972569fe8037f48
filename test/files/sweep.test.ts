import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sweepTempFiles } from '../../src/files/sweep.ts';
import { makeTempDir } from './make-temp-dir.ts';

it('removes leftover temporary files only, in every directory given', async () => {
  await using dir = await makeTempDir();
  const a = join(dir.path, 'a');
  const b = join(dir.path, 'b');
  await mkdir(a);
  await mkdir(b);
  await writeFile(join(a, '.keyturn-tmp-1111'), 'partial');
  await writeFile(join(b, '.keyturn-tmp-2222'), 'partial');
  await writeFile(join(a, 'secret'), 'keep');
  await writeFile(join(a, '.keyturn-tmpfoo'), 'keep: not our prefix');
  await mkdir(join(a, '.keyturn-tmp-dir'));
  await symlink('/etc/passwd', join(b, '.keyturn-tmp-link'));

  const removed = await sweepTempFiles([a, b, a, join(dir.path, 'missing')]);

  expect(removed.sort()).toEqual([join(a, '.keyturn-tmp-1111'), join(b, '.keyturn-tmp-2222')]);
  expect((await readdir(a)).sort()).toEqual(['.keyturn-tmp-dir', '.keyturn-tmpfoo', 'secret']);
  expect(await readdir(b)).toEqual(['.keyturn-tmp-link']);
});

it('returns nothing when there is nothing to sweep', async () => {
  await using dir = await makeTempDir();
  expect(await sweepTempFiles([dir.path])).toEqual([]);
});
