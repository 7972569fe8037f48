import { constants, type FileHandle, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KeyturnError, UsageError } from '../errors/keyturn-error.ts';
import { kindOf } from './check-destination.ts';
import { describeErrno, errnoCode } from './describe-errno.ts';
import { openExistingParent, type ParentOptions } from './safe-dir.ts';

/**
 * Reads a file keyturn is told to read as input (a template `source`) under the same rules as
 * a destination (SPEC §5, issue 12): its directories pass the parent rule, it is opened with
 * O_NOFOLLOW inside the directory that was checked (a symlink to /etc/shadow is refused, not
 * followed), it must be a regular file (O_NONBLOCK: a FIFO cannot hang the read) no larger
 * than `maxBytes`. Errors are usage errors (64) naming the file: the config points at it.
 */
export async function readCheckedFile(
  path: string,
  what: string,
  opts: ParentOptions & { maxBytes: number },
): Promise<string> {
  const name = basename(path);
  const real = { path };
  let handle: FileHandle | undefined;
  try {
    const { dir, checkFile } = await openExistingParent(dirname(path), opts);
    real.path = join(dir.path, name);
    try {
      handle = await open(
        dir.at(name),
        constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      );
    } finally {
      await dir.close();
    }
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`it is ${kindOf(stats)}, not a regular file`);
    if (stats.size > opts.maxBytes) {
      throw new Error(`it is larger than ${opts.maxBytes} bytes (${stats.size})`);
    }
    checkFile(real.path, stats);
    const buffer = Buffer.alloc(opts.maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > opts.maxBytes) throw new Error(`it grew larger than ${opts.maxBytes} bytes`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (err) {
    const code = err instanceof KeyturnError ? undefined : errnoCode(err);
    const reason =
      code === undefined ? (err instanceof Error ? err.message : String(err)) : describeErrno(err);
    const why =
      code === 'ELOOP'
        ? 'it is a symlink; keyturn never reads through one, because whoever made it chooses the file read'
        : reason;
    throw new UsageError(`cannot read ${what} ${path}: ${why}`, { cause: err, details: { path } });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
