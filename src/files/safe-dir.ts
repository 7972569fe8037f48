import type { Stats } from 'node:fs';
import { constants, lstat, mkdir, open, readlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FileWriteError } from '../errors/keyturn-error.ts';
import { kindOf } from './check-destination.ts';
import { describeErrno, errnoCode } from './describe-errno.ts';

/*
 * Parent-directory rule (SPEC §5). Whoever can write a directory on the way to a destination
 * can rename it away and put a symlink in its place, redirecting keyturn's write. So the path
 * is resolved here one component at a time, exactly as the kernel will, and EVERY directory
 * met from `/` down (not only the immediate parent, as Vault Agent does) must be owned by
 * root, keyturn's user or the file's owner, and not be writable by group or others unless
 * it is sticky (/tmp): in a sticky directory others cannot rename or remove our entries.
 * Symlinks on the way (/var/run -> /run) are followed, not refused: a symlink cannot be
 * changed, only replaced by a writer of its directory, which is checked; it must still have
 * a trusted owner (the owner may replace it in a sticky directory), and every directory its
 * target leads through is checked like the others.
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

/** The kernel's own limit on symlinks followed while resolving one path (ELOOP). */
const maxSymlinks = 40;

/** Checks every directory and symlink `dir` resolves through; creates nothing. */
export async function checkParent(dir: string, opts: ParentOptions): Promise<ParentPlan> {
  const pending = [...(dir.startsWith('/') ? [] : process.cwd().split('/')), ...dir.split('/')];
  let current = '/';
  checkEntry(current, await lstat(current), opts);
  let symlinks = 0;
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (name === '' || name === '.') continue;
    if (name === '..') {
      current = dirname(current); // `current` has no symlinks, so this is the real parent
      continue;
    }
    const next = join(current, name);
    const stats = await lstatIfExists(next);
    if (stats === undefined) {
      return { existing: current, missing: missingNames(dir, name, pending) };
    }
    checkEntry(next, stats, opts);
    if (stats.isSymbolicLink()) {
      if (++symlinks > maxSymlinks) refuse(next, 'too many levels of symlinks', false);
      const target = await readlink(next);
      if (target.startsWith('/')) current = '/';
      pending.unshift(...target.split('/'));
      continue;
    }
    current = next;
  }
  return { existing: current, missing: [] };
}

/** Checks `dir` (checkParent), then creates its missing levels 0700 owned by the file's owner; returns its real path. */
export async function ensureSafeParent(dir: string, opts: ParentOptions): Promise<string> {
  const plan = await checkParent(dir, opts);
  let current = plan.existing;
  for (const name of plan.missing) {
    const next = join(current, name);
    try {
      // Not recursive: an entry someone else creates meanwhile makes this fail (EEXIST)
      // rather than being adopted unchecked.
      await mkdir(next, { mode: 0o700 });
      await fixNewDirectory(next, opts);
      await syncDirectory(current); // the new entry survives a crash with the file in it
    } catch (err) {
      throw new FileWriteError(`cannot create directory ${next}: ${describeErrno(err)}`, {
        cause: err,
        details: { path: next },
      });
    }
    current = next;
  }
  return current;
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

/** Owner, then exact mode 0700 (the umask may have narrowed it), on a descriptor that cannot follow a swapped-in symlink. */
async function fixNewDirectory(path: string, opts: ParentOptions): Promise<void> {
  const flags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
  const handle = await open(path, flags);
  try {
    if (opts.ownerUid !== undefined || opts.ownerGid !== undefined) {
      await handle.chown(opts.ownerUid ?? -1, opts.ownerGid ?? -1);
    }
    await handle.chmod(0o700);
  } finally {
    await handle.close();
  }
}

/** The owner and mode rule for one directory or symlink on the way. */
function checkEntry(path: string, stats: Stats, opts: ParentOptions): void {
  if (!stats.isDirectory() && !stats.isSymbolicLink()) {
    refuse(path, `it is ${kindOf(stats)}, not a directory`, false);
  }
  if (opts.allowInsecure) return;
  const trusted = new Set([0, opts.keyturnUid, opts.ownerUid ?? opts.keyturnUid]);
  if (!trusted.has(stats.uid)) {
    const owner = opts.ownerUid === undefined ? '' : `, the file's owner (uid ${opts.ownerUid})`;
    refuse(
      path,
      `${stats.isSymbolicLink() ? 'symlink' : 'directory'} owned by uid ${stats.uid}, not root, keyturn's user (uid ${opts.keyturnUid})${owner}; its owner could replace what keyturn writes with a symlink`,
    );
  }
  const writableByOthers = (stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0;
  if (stats.isDirectory() && writableByOthers) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
    refuse(
      path,
      `directory writable by group or others without the sticky bit (mode ${mode}); they could replace what keyturn writes with a symlink`,
    );
  }
}

function refuse(path: string, reason: string, suggest = true): never {
  const hint = suggest ? '. Fix it, or set `allow_insecure_dir: true` to accept the risk' : '';
  throw new FileWriteError(`unsafe directory ${path}: ${reason}${hint}`, { details: { path } });
}

async function lstatIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new FileWriteError(`cannot inspect ${path}: ${describeErrno(err)}`, {
      cause: err,
      details: { path },
    });
  }
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
