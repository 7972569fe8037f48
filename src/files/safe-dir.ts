import type { Stats } from 'node:fs';
import { constants, type FileHandle, lstat, mkdir, open, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FileWriteError } from '../errors/keyturn-error.ts';
import { kindOf } from './check-destination.ts';
import { describeErrno, errnoCode } from './describe-errno.ts';

/*
 * Parent-directory rule (SPEC §5). Whoever can write a directory on the way to a destination
 * can rename it away and put a symlink in its place, redirecting keyturn's write. So the path
 * is resolved here one component at a time, as the kernel would, and EVERY directory met from
 * `/` down must be owned by root, keyturn's user or the file's owner, and not be writable by
 * group or others unless it is sticky (/tmp). Symlinks on the way (/var/run -> /run) are
 * followed; a symlink must have a trusted owner too, and every directory its target leads
 * through is checked like the others.
 *
 * Checking paths and then writing to the same paths would leave a window: a directory checked
 * a moment ago can be swapped for a symlink before the write (renameat2 RENAME_EXCHANGE wins
 * that race often). So each directory is opened (O_DIRECTORY|O_NOFOLLOW) and checked through
 * its descriptor, the next component is looked up *inside that descriptor*, and the final
 * directory stays open: every file operation happens relative to it. Node has no openat();
 * `/proc/self/fd/N/name` is the kernel's equivalent (the magic link is the open directory
 * itself, whatever its path has become since).
 *
 * Root writing for another owner (uid X): a component X owns lets X steer everything below it.
 * The rule is: no path component a non-root user controls may make keyturn-as-root create or
 * replace a file where that user could not write themselves. So once the walk has passed a
 * directory or symlink owned by X, the directory it ends in must be owned by X too (X can
 * write there anyway, and that directory is held open, so X cannot swap it afterwards): X's
 * symlink to a root-owned directory, `..` out of X's directory, or a root-owned symlink that
 * X moved into its directory all end in a directory X does not own, and are refused.
 */

export interface ParentOptions {
  /** Owner and group given to directories keyturn creates; undefined keeps keyturn's. */
  ownerUid?: number;
  ownerGid?: number;
  /** keyturn's effective uid, trusted as an owner like root. */
  keyturnUid: number;
  /** `allow_insecure_dir: true`: skip the owner and mode rule (the path must still resolve). */
  allowInsecure?: boolean;
}

export interface ParentPlan {
  /** Real path (no symlinks, no `..`) of the deepest directory that exists. */
  existing: string;
  /** Names of the directories still to create below `existing`, outermost first. */
  missing: string[];
}

/** A checked directory held open: names inside it are resolved through the descriptor, never the path. */
export interface SafeDir {
  /** Its real path when it was checked, for messages and the sweep. */
  readonly path: string;
  /** A path that reaches `name` inside this very directory, whatever happened to `path` since. */
  at(name: string): string;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The kernel's own limit on symlinks followed while resolving one path (ELOOP). */
const maxSymlinks = 40;
const dirFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

class HeldDir implements SafeDir {
  readonly path: string;
  readonly handle: FileHandle;
  constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.handle = handle;
  }
  at(name: string): string {
    return `/proc/self/fd/${this.handle.fd}/${name}`;
  }
  sync(): Promise<void> {
    return this.handle.sync();
  }
  close(): Promise<void> {
    return this.handle.close().catch(() => undefined);
  }
}

/** Checks every directory and symlink `dir` resolves through; creates nothing. */
export async function checkParent(dir: string, opts: ParentOptions): Promise<ParentPlan> {
  const walk = await walkParent(dir, opts);
  await walk.held.close();
  return { existing: walk.held.path, missing: walk.missing };
}

/** Checks `dir` (checkParent), creates its missing levels 0700 owned by the file's owner, and returns it held open. */
export async function openSafeParent(dir: string, opts: ParentOptions): Promise<SafeDir> {
  const { held, missing, walker } = await walkParent(dir, opts);
  let current = held;
  try {
    for (const name of missing) current = await createChild(current, name, opts, walker);
  } catch (err) {
    await current.close();
    throw err;
  }
  return current;
}

/**
 * The existing directory `dir` held open for reading a file in it, with the check the file
 * itself must pass (the root rule: a file reached through uid X's component must be X's).
 */
export async function openExistingParent(
  dir: string,
  opts: ParentOptions,
): Promise<{ dir: SafeDir; checkFile(path: string, stats: Stats): void }> {
  const { held, missing, walker } = await walkParent(dir, opts);
  if (missing.length > 0) {
    await held.close();
    // As open() would say it: the file cannot exist below a directory that does not.
    throw Object.assign(new Error(`${join(held.path, missing[0] ?? '')} does not exist`), {
      code: 'ENOENT',
    });
  }
  return { dir: held, checkFile: (path, stats) => walker.checkEnd(path, stats) };
}

/** openSafeParent for callers that only need the real path (keyturn's own state directory). */
export async function ensureSafeParent(dir: string, opts: ParentOptions): Promise<string> {
  const held = await openSafeParent(dir, opts);
  await held.close();
  return held.path;
}

/** fsyncs a directory so renames and new entries in it are durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The owner and mode rule, remembering whose territory the walk has entered (see the top). */
class Walker {
  readonly opts: ParentOptions;
  /** The non-root uid that owns a component already passed, when keyturn is root. */
  steeredBy: number | undefined;
  constructor(opts: ParentOptions) {
    this.opts = opts;
  }

  check(path: string, stats: Stats): void {
    if (!stats.isDirectory() && !stats.isSymbolicLink()) {
      refuse(path, `it is ${kindOf(stats)}, not a directory`, false);
    }
    const opts = this.opts;
    if (opts.allowInsecure) return;
    const what = stats.isSymbolicLink() ? 'symlink' : 'directory';
    const trusted = new Set([0, opts.keyturnUid, opts.ownerUid ?? opts.keyturnUid]);
    if (!trusted.has(stats.uid)) {
      const owner = opts.ownerUid === undefined ? '' : `, the file's owner (uid ${opts.ownerUid})`;
      refuse(
        path,
        `${what} owned by uid ${stats.uid}, not root, keyturn's user (uid ${opts.keyturnUid})${owner}; its owner could replace what keyturn writes with a symlink`,
      );
    }
    if (opts.keyturnUid === 0 && stats.uid !== 0) this.steeredBy ??= stats.uid;
    const writableByOthers = (stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0;
    if (stats.isDirectory() && writableByOthers) {
      const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
      refuse(
        path,
        `directory writable by group or others without the sticky bit (mode ${mode}); they could replace what keyturn writes with a symlink`,
      );
    }
  }

  /** Where the walk ends (a directory written in, or a file read): see the root rule at the top. */
  checkEnd(path: string, stats: Stats): void {
    if (this.opts.allowInsecure || this.steeredBy === undefined) return;
    if (stats.uid === this.steeredBy) return;
    const what = stats.isDirectory() ? 'directory' : 'file';
    refuse(
      path,
      `${what} owned by uid ${stats.uid}, reached through a component uid ${this.steeredBy} controls; keyturn runs as root and must not create, replace or read files where uid ${this.steeredBy} could not itself`,
    );
  }
}

interface Walk {
  held: HeldDir;
  missing: string[];
  walker: Walker;
}

/** Resolves `dir` one component at a time through held descriptors (see the top). */
async function walkParent(dir: string, opts: ParentOptions): Promise<Walk> {
  const walker = new Walker(opts);
  const pending = [...(dir.startsWith('/') ? [] : process.cwd().split('/')), ...dir.split('/')];
  // Ancestors stay open so that `..` returns to the directory that was checked.
  const stack: HeldDir[] = [await openRoot(walker)];
  const top = () => stack[stack.length - 1] as HeldDir;
  let symlinks = 0;
  try {
    for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
      if (name === '' || name === '.') continue;
      if (name === '..') {
        if (stack.length > 1) await stack.pop()?.close();
        continue;
      }
      const current = top();
      const next = join(current.path, name);
      const opened = await openChild(current, name, next);
      if (opened === 'missing') {
        const missing = missingNames(dir, name, pending);
        walker.checkEnd(current.path, await current.handle.stat());
        for (const held of stack.slice(0, -1)) await held.close();
        return { held: current, missing, walker };
      }
      if (opened instanceof HeldDir) {
        stack.push(opened);
        walker.check(next, await opened.handle.stat());
        continue;
      }
      walker.check(next, opened.stats);
      if (++symlinks > maxSymlinks) refuse(next, 'too many levels of symlinks', false);
      if (opened.target.startsWith('/')) {
        for (const held of stack.splice(1)) await held.close();
      }
      pending.unshift(...opened.target.split('/'));
    }
    walker.checkEnd(top().path, await top().handle.stat());
  } catch (err) {
    for (const held of stack) await held.close();
    throw err;
  }
  for (const held of stack.slice(0, -1)) await held.close();
  return { held: top(), missing: [], walker };
}

async function openRoot(walker: Walker): Promise<HeldDir> {
  let handle: FileHandle;
  try {
    handle = await open('/', dirFlags);
    await lstat(`/proc/self/fd/${handle.fd}`);
  } catch (err) {
    throw new FileWriteError(
      `cannot resolve directories safely: /proc must be mounted (${describeErrno(err)})`,
      { cause: err },
    );
  }
  const root = new HeldDir('/', handle);
  try {
    walker.check('/', await handle.stat());
  } catch (err) {
    await root.close();
    throw err;
  }
  return root;
}

type Child = HeldDir | 'missing' | { stats: Stats; target: string };

/** One lookup inside a held directory: the directory itself held open, a symlink's target, or missing. */
async function openChild(parent: HeldDir, name: string, path: string): Promise<Child> {
  try {
    return new HeldDir(path, await open(parent.at(name), dirFlags));
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return 'missing';
    if (code !== 'ENOTDIR' && code !== 'ELOOP') throw cannotInspect(path, err);
  }
  // Not a directory: a symlink to follow, or something the rule refuses.
  let stats: Stats;
  let target: string;
  try {
    stats = await lstat(parent.at(name));
    if (stats.isDirectory()) throw changedWhileChecked(path);
    if (!stats.isSymbolicLink()) return { stats, target: '' }; // check() refuses it
    target = await readlink(parent.at(name));
  } catch (err) {
    // EINVAL/ENOENT here: it stopped being a symlink since the open. Someone is swapping it.
    if (err instanceof FileWriteError) throw err;
    throw changedWhileChecked(path, err);
  }
  return { stats, target };
}

/** mkdir inside the held directory, then hold and fix the new one, making sure it is the one made. */
async function createChild(
  parent: HeldDir,
  name: string,
  opts: ParentOptions,
  walker: Walker,
): Promise<HeldDir> {
  const path = join(parent.path, name);
  let child: HeldDir | undefined;
  try {
    // Not recursive: an entry someone else creates meanwhile makes this fail (EEXIST)
    // rather than being adopted unchecked.
    await mkdir(parent.at(name), { mode: 0o700 });
    child = new HeldDir(path, await open(parent.at(name), dirFlags));
    const stats = await child.handle.stat();
    // Swapped since the mkdir (only a writer of `parent` can, and the walk allowed one only if
    // it is the file's owner): what was opened must be empty and ours, or it is refused.
    if (stats.uid !== opts.keyturnUid || stats.nlink !== 2) throw changedWhileChecked(path);
    if (opts.ownerUid !== undefined || opts.ownerGid !== undefined) {
      await child.handle.chown(opts.ownerUid ?? -1, opts.ownerGid ?? -1);
    }
    await child.handle.chmod(0o700); // exact, whatever the umask took away
    walker.check(path, await child.handle.stat());
    await parent.sync(); // the new entry survives a crash with the file in it
  } catch (err) {
    await child?.close();
    if (err instanceof FileWriteError) throw err;
    throw new FileWriteError(`cannot create directory ${path}: ${describeErrno(err)}`, {
      cause: err,
      details: { path },
    });
  } finally {
    await parent.close();
  }
  return child;
}

function refuse(path: string, reason: string, suggest = true): never {
  const hint = suggest ? '. Fix it, or set `allow_insecure_dir: true` to accept the risk' : '';
  throw new FileWriteError(`unsafe directory ${path}: ${reason}${hint}`, { details: { path } });
}

function changedWhileChecked(path: string, cause?: unknown): FileWriteError {
  return new FileWriteError(
    `unsafe directory ${path}: it changed while keyturn was checking it (is something swapping it for a symlink?)`,
    { cause, details: { path } },
  );
}

function cannotInspect(path: string, err: unknown): FileWriteError {
  return new FileWriteError(`cannot inspect ${path}: ${describeErrno(err)}`, {
    cause: err,
    details: { path },
  });
}

/** The not-yet-existing tail of the path; `..` there has no real directory to mean. */
function missingNames(dir: string, first: string, rest: string[]): string[] {
  const names = [first, ...rest].filter((name) => name !== '' && name !== '.');
  if (names.includes('..')) {
    throw new FileWriteError(`cannot create ${dir}: '..' after a directory that does not exist`, {
      details: { path: dir },
    });
  }
  return names;
}
