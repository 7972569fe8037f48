import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/files/atomic-write.ts';
import { errnoCode } from '../../src/files/describe-errno.ts';
import { makeTempDir } from './make-temp-dir.ts';

const versions = [Buffer.alloc(256 * 1024, 'a'), Buffer.alloc(64 * 1024, 'b')];
const mode = 0o640;

/** Reads and stats the destination (and any temp file) until `done`; returns what it saw wrong. */
async function watch(dir: string, dest: string, done: () => boolean) {
  const problems: string[] = [];
  let reads = 0;
  while (!done()) {
    const [content, stats] = await Promise.all([readFile(dest), stat(dest)]);
    reads++;
    if (!versions.some((v) => v.equals(content)))
      problems.push(`partial content (${content.length} bytes)`);
    if ((stats.mode & 0o7777 & ~mode) !== 0) problems.push(`mode ${stats.mode.toString(8)}`);
    for (const name of await readdir(dir)) {
      const temp = await stat(join(dir, name)).catch((e: unknown) => {
        if (errnoCode(e) === 'ENOENT') return undefined; // renamed or removed meanwhile
        throw e;
      });
      if (temp && (temp.mode & 0o7777 & ~mode) !== 0)
        problems.push(`${name} mode ${temp.mode.toString(8)}`);
    }
  }
  return { problems, reads };
}

it('a concurrent reader never sees partial content or a wider mode', async () => {
  await using dir = await makeTempDir();
  const dest = join(dir.path, 'secret');
  await writeFileAtomic(dest, versions[0] ?? '', { mode, keyturnUid: 0 });
  let finished = false;
  const watcher = watch(dir.path, dest, () => finished);
  const previous = process.umask(0); // the umask must not be what keeps the mode narrow
  try {
    for (let i = 1; i <= 60; i++) {
      await writeFileAtomic(dest, versions[i % 2] ?? '', { mode, keyturnUid: 0 });
    }
  } finally {
    process.umask(previous);
    finished = true;
  }
  const { problems, reads } = await watcher;
  expect(problems).toEqual([]);
  expect(reads).toBeGreaterThan(10);
});
