import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FileWriteError } from '../errors/keyturn-error.ts';
import { describeErrno, errnoCode } from './describe-errno.ts';
import { TEMP_PREFIX } from './temp-file-name.ts';

/**
 * Removes temporary files a killed keyturn left in the destination directories (a SIGKILL
 * mid-write skips the cleanup); returns the paths removed. Run it at start, before any write
 * (under the renewer lock when one runs), or it could remove a concurrent write's temp file.
 */
export async function sweepTempFiles(dirs: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of new Set(dirs)) {
    for (const name of await listOrEmpty(dir)) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      const path = join(dir, name);
      try {
        // Only regular files: keyturn never creates anything else under this prefix.
        if (!(await lstat(path)).isFile()) continue;
        await unlink(path);
        removed.push(path);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') continue;
        throw new FileWriteError(`cannot remove leftover ${path}: ${describeErrno(err)}`, {
          cause: err,
          details: { path },
        });
      }
    }
  }
  return removed;
}

/** A directory that does not exist yet has nothing to sweep. */
async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw new FileWriteError(`cannot list ${dir}: ${describeErrno(err)}`, {
      cause: err,
      details: { path: dir },
    });
  }
}
