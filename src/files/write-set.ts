import { access, constants } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FileWriteError, UsageError } from '../errors/keyturn-error.ts';
import { assertFileMode, writeFileAtomic } from './atomic-write.ts';
import { checkDestination } from './check-destination.ts';
import { describeErrno } from './describe-errno.ts';
import { checkParent } from './safe-dir.ts';

export interface PlannedFile {
  path: string;
  content: string | Uint8Array;
  mode: number;
  uid?: number;
  gid?: number;
  allowInsecureDir?: boolean;
  /** Files that belong together (one certificate set, one `format: files` directory). */
  group?: string;
}

export interface WriteSetOptions {
  /** keyturn's effective uid (process.getuid()). */
  keyturnUid: number;
}

export interface WriteSetResult {
  /** Destinations replaced, in order; `on_change` is due for these. */
  written: string[];
  /** Destinations that already held this content, mode and owner. */
  unchanged: string[];
  /** Groups with at least one file written. */
  changedGroups: string[];
}

/**
 * Writes a set of files, each atomically, after checking every destination and parent
 * first, so that a bad path fails before anything is replaced. A failure part-way names
 * which files were already replaced and which were not.
 */
export async function writeFileSet(
  files: PlannedFile[],
  opts: WriteSetOptions,
): Promise<WriteSetResult> {
  await validateFileSet(files, opts);
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const [index, file] of files.entries()) {
    try {
      const outcome = await writeFileAtomic(file.path, file.content, {
        mode: file.mode,
        uid: file.uid,
        gid: file.gid,
        allowInsecureDir: file.allowInsecureDir,
        keyturnUid: opts.keyturnUid,
      });
      (outcome === 'written' ? written : unchanged).push(file.path);
    } catch (err) {
      throw partialFailure(file.path, err, written, unchanged, files.slice(index));
    }
  }
  const changedGroups = new Set(
    files
      .filter((f) => f.group !== undefined && written.includes(f.path))
      .map((f) => f.group ?? ''),
  );
  return { written, unchanged, changedGroups: [...changedGroups] };
}

/** Checks every planned file without writing: mode, owner, duplicates, parents, destination type, writability. */
export async function validateFileSet(files: PlannedFile[], opts: WriteSetOptions): Promise<void> {
  const seen = new Set<string>();
  for (const file of files) {
    const absolute = resolve(file.path);
    if (seen.has(absolute))
      throw new UsageError(`${file.path} is the destination of more than one output`);
    seen.add(absolute);
    await validateFile(file, opts);
  }
}

async function validateFile(file: PlannedFile, opts: WriteSetOptions): Promise<void> {
  assertFileMode(file.mode, file.path);
  // Only root may give a file away; a non-root keyturn would fail at fchown, half-way through.
  if (opts.keyturnUid !== 0 && file.uid !== undefined && file.uid !== opts.keyturnUid) {
    throw new FileWriteError(
      `cannot make ${file.path} owned by uid ${file.uid}: keyturn runs as uid ${opts.keyturnUid}, and only root can give files away`,
      { details: { path: file.path } },
    );
  }
  const plan = await checkParent(dirname(file.path), {
    ownerUid: file.uid,
    ownerGid: file.gid,
    keyturnUid: opts.keyturnUid,
    allowInsecure: file.allowInsecureDir,
  });
  try {
    await access(plan.existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new FileWriteError(
      `cannot write ${file.path}: ${describeErrno(err)} on ${plan.existing}`,
      {
        cause: err,
        details: { path: file.path },
      },
    );
  }
  if (plan.missing.length === 0) await checkDestination(join(plan.existing, basename(file.path)));
}

function partialFailure(
  failed: string,
  err: unknown,
  written: string[],
  unchanged: string[],
  notWritten: PlannedFile[],
): FileWriteError {
  const list = (paths: string[]) => (paths.length === 0 ? 'none' : paths.join(', '));
  const reason = err instanceof Error ? err.message : String(err);
  const notDone = notWritten.map((f) => f.path);
  return new FileWriteError(
    `writing stopped at ${failed}: ${reason}. Already replaced: ${list(written)}. ` +
      `Unchanged: ${list(unchanged)}. Not written: ${list(notDone)}.`,
    { cause: err, details: { path: failed, replaced: written, unchanged, notWritten: notDone } },
  );
}
