import { constants, type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileWriteError, KeyturnError } from '../errors/keyturn-error.ts';
import { checkDestination } from './check-destination.ts';
import { describeErrno, errnoCode } from './describe-errno.ts';
import { ensureSafeParent, syncDirectory } from './safe-dir.ts';
import { tempFileName } from './temp-file-name.ts';

export interface StreamWriteOptions {
  mode: number;
  keyturnUid: number;
  /** Aborting removes the temporary file; the destination is never touched. */
  signal?: AbortSignal;
}

/**
 * writeFileAtomic for content too large to hold (a backup archive): streamed into a
 * temporary file in the destination's directory (same rules: O_EXCL|O_NOFOLLOW, final mode
 * before any byte), fsynced, renamed over the destination. Until the rename the destination
 * does not change; a failure or abort removes the temporary file, and a SIGKILL leaves only
 * a `.keyturn-tmp-*` file, with the final mode.
 */
export async function writeStreamAtomic(
  dest: string,
  content: AsyncIterable<Buffer>,
  opts: StreamWriteOptions,
): Promise<void> {
  const dir = await ensureSafeParent(dirname(dest), { keyturnUid: opts.keyturnUid });
  const path = join(dir, basename(dest));
  await checkDestination(path);
  const temp = join(dir, tempFileName());
  let handle: FileHandle | undefined;
  let step = 'creating a temporary file';
  try {
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_WRONLY;
    handle = await open(temp, flags, opts.mode);
    await handle.chmod(opts.mode);
    step = 'writing';
    // One awaited write at a time: the producer is pulled only as fast as the disk takes it.
    for await (const piece of content) {
      opts.signal?.throwIfAborted();
      await handle.write(piece);
    }
    step = 'flushing to disk';
    await handle.sync();
    await handle.close();
    handle = undefined;
    step = 'renaming over the destination';
    await rename(temp, path);
    step = 'flushing the directory';
    await syncDirectory(dir);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    // Only the file system's own failures are write errors; the content's (Vault) pass as they are.
    if (error instanceof KeyturnError || opts.signal?.aborted || !errnoCode(error)) throw error;
    throw new FileWriteError(`cannot write ${path}: ${describeErrno(error)} while ${step}`, {
      cause: error,
      details: { path },
    });
  }
}
