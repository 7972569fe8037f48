import type { Stats } from 'node:fs';
import { constants, type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileWriteError, KeyturnError, UsageError } from '../errors/keyturn-error.ts';
import { checkDestination } from './check-destination.ts';
import { checkParentOnce, parentOptions } from './check-parent-once.ts';
import { describeErrno } from './describe-errno.ts';
import { openSafeParent, type SafeDir } from './safe-dir.ts';
import { tempFileName } from './temp-file-name.ts';

export interface AtomicWriteOptions {
  /** Exact permission bits of the file (0000–0777), whatever the umask. */
  mode: number;
  /** Owner and group of the file; undefined keeps keyturn's (the group then goes unchecked). */
  uid?: number;
  gid?: number;
  /** `allow_insecure_dir: true` for this destination's parents. */
  allowInsecureDir?: boolean;
  /** keyturn's effective uid (process.getuid()), trusted as a directory owner. */
  keyturnUid: number;
  /**
   * Parent checks already made by this write set, by directory and options: a thousand
   * files in one directory walk its path once, not a thousand times.
   */
  parents?: Map<string, Promise<SafeDir>>;
  /**
   * A write set fsyncs each directory once, after all its renames, instead of once per file:
   * each file is still atomic; the set is durable when the set returns.
   */
  unsyncedDirs?: Set<SafeDir>;
}

export type WriteOutcome = 'written' | 'unchanged';

/**
 * Writes `dest` atomically (SPEC §5), or leaves it alone when content, mode and owner already
 * match: readers see the old file or the new one, never a partial one, and never a mode
 * wider than `mode`.
 */
export async function writeFileAtomic(
  dest: string,
  content: string | Uint8Array,
  opts: AtomicWriteOptions,
): Promise<WriteOutcome> {
  assertFileMode(opts.mode, dest);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const parent = parentOptions(opts, opts.keyturnUid);
  const name = destinationName(dest);
  const dir = await checkParentOnce(opts.parents, dirname(dest), parent, openSafeParent);
  try {
    // From here on, work inside the directory that was checked (held open), not the path as
    // given: swapping a directory on the way for a symlink now changes nothing.
    const target = { name, path: join(dir.path, name), at: dir.at(name) };
    const existing = await checkDestination(target.at, target.path);
    if (existing !== undefined && (await isUpToDate(target, existing, bytes, opts)))
      return 'unchanged';
    await replaceFile(dir, target, bytes, opts);
    return 'written';
  } finally {
    // A write set closes the directories it shares once the set is done.
    if (!opts.parents) await dir.close();
  }
}

/** A destination: its name, its real path for messages, and how to reach it inside the held directory. */
interface Target {
  name: string;
  path: string;
  at: string;
}

/** Refuses modes outside 0000–0777: set-id and sticky bits have no business on a secret file. */
export function assertFileMode(mode: number, path: string): void {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new UsageError(`mode for ${path} must be between 0000 and 0777, got ${String(mode)}`);
  }
}

function destinationName(dest: string): string {
  const name = basename(dest);
  if (name === '' || name === '.' || name === '..' || dest.endsWith('/')) {
    throw new UsageError(`destination ${dest} does not name a file`);
  }
  return name;
}

function hasWantedAttributes(stats: Stats, size: number, opts: AtomicWriteOptions): boolean {
  return (
    (stats.mode & 0o7777) === opts.mode &&
    stats.uid === (opts.uid ?? opts.keyturnUid) &&
    (opts.gid === undefined || stats.gid === opts.gid) &&
    stats.size === size
  );
}

/** True when the regular file seen by lstat still is that file and holds exactly `bytes` with the wanted mode and owner. */
async function isUpToDate(
  { path, at }: Target,
  seen: Stats,
  bytes: Uint8Array,
  opts: AtomicWriteOptions,
): Promise<boolean> {
  if (!hasWantedAttributes(seen, bytes.byteLength, opts)) return false;
  // NOFOLLOW and NONBLOCK: if a symlink or FIFO was swapped in since the lstat, the open
  // fails or returns at once instead of following it or blocking.
  let handle: FileHandle;
  try {
    handle = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw writeError(path, 'reading the current file', err);
  }
  try {
    const stats = await handle.stat();
    // Not the file that was checked: rewrite; rename replaces the entry without opening it.
    if (!stats.isFile() || stats.ino !== seen.ino || stats.dev !== seen.dev) return false;
    if (!hasWantedAttributes(stats, bytes.byteLength, opts)) return false;
    return Buffer.compare(bytes, await handle.readFile()) === 0;
  } finally {
    await handle.close();
  }
}

/** Temp file in the same directory, final owner and mode before any byte, fsync, rename, fsync dir. */
async function replaceFile(
  dir: SafeDir,
  { path, at }: Target,
  bytes: Uint8Array,
  opts: AtomicWriteOptions,
): Promise<void> {
  const temp = dir.at(tempFileName());
  let handle: FileHandle | undefined;
  let step = 'creating a temporary file';
  try {
    // EXCL + NOFOLLOW: never reuse or follow anything already at that name. Created with the
    // final mode, which the umask can only narrow, so the file is never wider than `mode`.
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_WRONLY;
    handle = await open(temp, flags, opts.mode);
    if (opts.uid !== undefined || opts.gid !== undefined) {
      step = `setting owner uid ${opts.uid ?? '(unchanged)'} gid ${opts.gid ?? '(unchanged)'}`;
      await handle.chown(opts.uid ?? -1, opts.gid ?? -1); // before chmod: chown may clear set-id bits
    }
    step = 'setting the mode';
    await handle.chmod(opts.mode); // restore bits the umask took away, never more than `mode`
    step = 'writing';
    await handle.writeFile(bytes);
    step = 'flushing to disk';
    await handle.sync();
    await handle.close();
    handle = undefined;
    step = 'renaming over the destination';
    await rename(temp, at);
    step = 'flushing the directory';
    if (opts.unsyncedDirs) opts.unsyncedDirs.add(dir);
    else await dir.sync();
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw writeError(path, step, err);
  }
}

function writeError(path: string, step: string, err: unknown): KeyturnError {
  if (err instanceof KeyturnError) return err;
  return new FileWriteError(`cannot write ${path}: ${describeErrno(err)} while ${step}`, {
    cause: err,
    details: { path },
  });
}
