import { constants, type FileHandle, link, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FileWriteError } from '../errors/keyturn-error.ts';
import { describeErrno, errnoCode } from './describe-errno.ts';
import { syncDirectory } from './safe-dir.ts';
import { tempFileName } from './temp-file-name.ts';

/**
 * Writes a file that must not exist yet (an unseal share: overwriting one could lose the
 * only copy): complete in a temporary file with its final mode, then published with
 * link(2), which fails if the name is taken — so the file appears whole or not at all, and
 * never replaces anything.
 */
export async function writeFileExclusive(
  path: string,
  content: string,
  mode: number,
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, tempFileName());
  let handle: FileHandle | undefined;
  let step = 'creating a temporary file';
  try {
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_WRONLY;
    handle = await open(temp, flags, mode);
    await handle.chmod(mode);
    step = 'writing';
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    step = 'publishing';
    await link(temp, path);
    await syncDirectory(dir);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    const why =
      errnoCode(error) === 'EEXIST' && step === 'publishing'
        ? 'it already exists (never overwritten)'
        : `${describeErrno(error)} while ${step}`;
    throw new FileWriteError(`cannot write ${path}: ${why}`, { cause: error, details: { path } });
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}
