import { closeSync, constants, fchmodSync, fstatSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { FileWriteError } from '../errors/keyturn-error.ts';
import { describeErrno } from '../files/describe-errno.ts';
import { ensureSafeParent } from '../files/safe-dir.ts';
import { createOutput, type LogLevel, type Output } from '../log/output.ts';
import type { Redactor } from '../log/redactor.ts';

/**
 * The detached renewer's log: JSON lines appended to a file (it has no stderr anyone reads),
 * through the same redactor as every other line keyturn writes. Returns the output and
 * a close function for the descriptor.
 */
export async function openRenewerLog(
  file: string,
  level: LogLevel,
  redactor: Redactor,
  keyturnUid: number,
): Promise<{ out: Output; close: () => void }> {
  await ensureSafeParent(dirname(file), { keyturnUid });
  let fd: number;
  try {
    // NOFOLLOW: a symlink planted at the log's name must not redirect it; NONBLOCK: a FIFO
    // there must not hang the renewer before it can report.
    const flags =
      constants.O_WRONLY |
      constants.O_APPEND |
      constants.O_CREAT |
      constants.O_NOFOLLOW |
      constants.O_NONBLOCK;
    fd = openSync(file, flags, 0o600);
  } catch (error) {
    throw new FileWriteError(`cannot open the renewer log ${file}: ${describeErrno(error)}`, {
      cause: error,
      details: { path: file },
    });
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw new FileWriteError(`the renewer log ${file} is not a regular file`, {
      details: { path: file },
    });
  }
  fchmodSync(fd, 0o600); // an existing, wider log is narrowed: it may quote paths and accessors
  const out = await createOutput({ level, format: 'json', logFd: fd }, redactor);
  return { out, close: () => closeSync(fd) };
}
