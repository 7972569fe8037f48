import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { FileWriteError } from '../errors/keyturn-error.ts';
import { describeErrno, errnoCode } from './describe-errno.ts';

/**
 * Looks at a destination with lstat (never follows it, never opens it) and refuses anything
 * that is not a regular file; returns its stats, or undefined when it does not exist yet.
 * `at` is how to reach it (inside a held directory), `path` its name in messages.
 */
export async function checkDestination(at: string, path = at): Promise<Stats | undefined> {
  let stats: Stats;
  try {
    stats = await lstat(at);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new FileWriteError(`cannot inspect ${path}: ${describeErrno(err)}`, {
      cause: err,
      details: { path },
    });
  }
  if (stats.isFile()) return stats;
  // Opening a FIFO or a device to compare content could block forever or have side effects,
  // and writing through a symlink would let whoever made it choose the file keyturn writes.
  const why = stats.isSymbolicLink()
    ? '; keyturn never writes through a symlink, because whoever created it chooses the file written'
    : '';
  throw new FileWriteError(
    `refusing to write ${path}: it is ${kindOf(stats)}, not a regular file${why}`,
    { details: { path } },
  );
}

/** Names a non-regular file type for messages. */
export function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symlink';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFile()) return 'a regular file';
  return 'an unknown file type';
}
