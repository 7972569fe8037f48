import { access, constants } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { FileWriteError, UsageError } from '../errors/keyturn-error.ts';
import { assertFileMode, writeFileAtomic } from './atomic-write.ts';
import { checkDestination } from './check-destination.ts';
import { checkParentOnce, parentOptions } from './check-parent-once.ts';
import { describeErrno } from './describe-errno.ts';
import { checkParent, ensureSafeParent, type ParentPlan, type SafeDir } from './safe-dir.ts';

/** Files written at once; each holds a descriptor and waits on fsync. */
const WRITE_CONCURRENCY = 16;

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
  // Parents first, one at a time: creating a directory is refused if it appears meanwhile,
  // so two writes must not race to create the same one.
  const parents = new Map(files.map((f) => [dirname(f.path), f]));
  for (const [dir, file] of parents)
    await ensureSafeParent(dir, parentOptions(file, opts.keyturnUid));
  const { written, unchanged, failure } = await writeEach(files, opts);
  // Report in the order of the plan, whatever order the writes finished in.
  const order = new Map(files.map((f, index) => [f.path, index]));
  const byPlan = (a: string, b: string) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  written.sort(byPlan);
  unchanged.sort(byPlan);
  if (failure) {
    const done = new Set([...written, ...unchanged]);
    const notWritten = files.filter((f) => !done.has(f.path));
    throw partialFailure(failure.path, failure.err, written, unchanged, notWritten);
  }
  const changedGroups = new Set(
    files
      .filter((f) => f.group !== undefined && written.includes(f.path))
      .map((f) => f.group ?? ''),
  );
  return { written, unchanged, changedGroups: [...changedGroups] };
}

/**
 * The files, several at a time: each write is atomic on its own, and most of its time is two
 * fsyncs that the disk can batch (1,000 secrets: see README benchmarks). After the first
 * failure no further write starts.
 */
async function writeEach(files: PlannedFile[], opts: WriteSetOptions) {
  const limit = pLimit(WRITE_CONCURRENCY);
  const checkedParents = new Map<string, Promise<SafeDir>>();
  const unsyncedDirs = new Set<SafeDir>();
  const written: string[] = [];
  const unchanged: string[] = [];
  let failure: { path: string; err: unknown } | undefined;
  await Promise.all(
    files.map((file) =>
      limit(async () => {
        if (failure) return;
        try {
          const outcome = await writeFileAtomic(file.path, file.content, {
            mode: file.mode,
            uid: file.uid,
            gid: file.gid,
            allowInsecureDir: file.allowInsecureDir,
            keyturnUid: opts.keyturnUid,
            parents: checkedParents,
            unsyncedDirs,
          });
          (outcome === 'written' ? written : unchanged).push(file.path);
        } catch (err) {
          failure ??= { path: file.path, err };
        }
      }),
    ),
  );
  // Renames done, the directories are flushed once each (also after a failure, for the
  // files that were replaced).
  for (const dir of unsyncedDirs) {
    try {
      await dir.sync();
    } catch (err) {
      failure ??= { path: dir.path, err };
    }
  }
  for (const held of checkedParents.values())
    await held.then(
      (dir) => dir.close(),
      () => undefined,
    );
  return { written, unchanged, failure };
}

/** Checks every planned file without writing: mode, owner, duplicates, parents, destination type, writability. */
export async function validateFileSet(files: PlannedFile[], opts: WriteSetOptions): Promise<void> {
  const seen = new Set<string>();
  const parents = new Map<string, Promise<ParentPlan>>();
  for (const file of files) {
    const absolute = resolve(file.path);
    if (seen.has(absolute))
      throw new UsageError(`${file.path} is the destination of more than one output`);
    seen.add(absolute);
    await validateFile(file, opts, parents);
  }
}

async function validateFile(
  file: PlannedFile,
  opts: WriteSetOptions,
  parents: Map<string, Promise<ParentPlan>>,
): Promise<void> {
  assertFileMode(file.mode, file.path);
  // Only root may give a file away; a non-root keyturn would fail at fchown, half-way through.
  if (opts.keyturnUid !== 0 && file.uid !== undefined && file.uid !== opts.keyturnUid) {
    throw new FileWriteError(
      `cannot make ${file.path} owned by uid ${file.uid}: keyturn runs as uid ${opts.keyturnUid}, and only root can give files away`,
      { details: { path: file.path } },
    );
  }
  const parent = parentOptions(file, opts.keyturnUid);
  const plan = await checkParentOnce(parents, dirname(file.path), parent, checkParent);
  try {
    await access(plan.existing, constants.W_OK | constants.X_OK); // real path, just checked
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
