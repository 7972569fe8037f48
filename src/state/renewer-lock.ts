import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FileWriteError, UsageError } from '../errors/keyturn-error.ts';
import { ensureSafeParent } from '../files/safe-dir.ts';
import {
  isLocalHolder,
  type LockHolder,
  readLockHolder,
  removeLockHolder,
  writeLockHolder,
} from './lock-holder.ts';
import { isProcessAlive, processStartTime } from './process-alive.ts';

/** Where the lock lives: `<state_dir>/renewer.lock` (a directory, made by proper-lockfile). */
export interface RenewerLockPaths {
  lockFile: string;
}

export interface RenewerLock {
  readonly pid: number;
  /** Aborted when the lock was taken away (another renewer judged it stale): stop renewing. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export interface RenewerLockOptions {
  /** keyturn's uid, trusted as the state directory's owner (SPEC §5 directory rule). */
  uid?: number;
  isAlive?: (pid: number) => boolean;
}

/*
 * Why these numbers: proper-lockfile proves liveness by touching the lock's mtime every
 * UPDATE_MS; a lock untouched for STALE_MS is taken over. That is the fallback for a holder
 * whose pid cannot be checked (another host or pid namespace sharing the state directory);
 * on the same host a dead pid is detected at once. A minute keeps the touch rare, so an idle
 * renewer wakes up twice a minute at most.
 */
const STALE_MS = 60_000;
const UPDATE_MS = 30_000;

/** `<state_dir>/renewer.pid`: the holder's pid, beside the lock (the lock dir must stay empty). */
export function lockHolderFile(paths: RenewerLockPaths): string {
  return join(dirname(paths.lockFile), 'renewer.pid');
}

/**
 * Takes the one-renewer-per-config lock (SPEC §6) for `pid`, or throws UsageError (64)
 * naming the pid that holds it. A lock whose holder died (same host) is taken over.
 */
export async function acquireRenewerLock(
  paths: RenewerLockPaths,
  pid: number,
  options: RenewerLockOptions = {},
): Promise<RenewerLock> {
  const uid = options.uid ?? process.getuid?.() ?? 0;
  await ensureSafeParent(dirname(paths.lockFile), { keyturnUid: uid });
  // `.default`: a CommonJS package's exports object. Its named exports exist only where a
  // loader guesses them, which the code-split bundle's chunks do not.
  const { default: lockfile } = await import('proper-lockfile');
  const controller = new AbortController();
  const lockOptions = {
    lockfilePath: paths.lockFile,
    realpath: false,
    stale: STALE_MS,
    update: UPDATE_MS,
    retries: 0,
    // The library's default throws from a timer and would crash the renewer.
    onCompromised: (error: Error) =>
      controller.abort(
        new UsageError(`the renewer lock ${paths.lockFile} was taken over: ${error.message}`),
      ),
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(lockKey(paths), lockOptions);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw lockError(paths, error);
    const holder = await readLockHolder(lockHolderFile(paths));
    if (!isDeadHolder(holder, pid, options)) throw lockedError(paths, holder);
    await removeDeadLock(paths);
    release = await lockfile.lock(lockKey(paths), lockOptions).catch((again: unknown) => {
      throw (again as NodeJS.ErrnoException).code === 'ELOCKED'
        ? lockedError(paths, undefined)
        : lockError(paths, again);
    });
  }
  await writeLockHolder(lockHolderFile(paths), pid, uid);
  return {
    pid,
    lost: controller.signal,
    release: async () => {
      const holder = await readLockHolder(lockHolderFile(paths));
      if (holder?.pid === pid) await removeLockHolder(lockHolderFile(paths));
      await release().catch(() => undefined); // already released or compromised: nothing to do
    },
  };
}

/** The live holder of the lock, or undefined when it is free or its holder is dead. */
export async function peekRenewerLock(
  paths: RenewerLockPaths,
  self: number,
  options: RenewerLockOptions = {},
): Promise<{ pid?: number } | undefined> {
  try {
    await stat(paths.lockFile);
  } catch {
    return undefined;
  }
  const { default: lockfile } = await import('proper-lockfile');
  const opts = { lockfilePath: paths.lockFile, realpath: false, stale: STALE_MS };
  if (!(await lockfile.check(lockKey(paths), opts).catch(() => false))) return undefined;
  const holder = await readLockHolder(lockHolderFile(paths));
  if (isDeadHolder(holder, self, options)) return undefined;
  return { pid: holder?.pid };
}

/** Exit 64 naming the holder, as SPEC §6 asks. */
export function lockedError(paths: RenewerLockPaths, holder: { pid?: number } | undefined) {
  const who = holder?.pid === undefined ? 'another renewer' : `another renewer (pid ${holder.pid})`;
  return new UsageError(
    `${who} already runs for this config (lock ${paths.lockFile}); stop it first`,
    { details: { pid: holder?.pid, lock: paths.lockFile } },
  );
}

/** proper-lockfile keys its bookkeeping by a file name; the lock dir is given explicitly. */
function lockKey(paths: RenewerLockPaths): string {
  return join(dirname(paths.lockFile), 'renewer');
}

/**
 * A recorded pid on this host that no longer runs, or runs another process now (its start
 * time differs: a container restarted with its state on a volume), or is ours.
 */
function isDeadHolder(
  holder: LockHolder | undefined,
  self: number,
  options: RenewerLockOptions,
): boolean {
  if (holder === undefined || !isLocalHolder(holder)) return false;
  if (holder.pid === self) return true;
  if (!(options.isAlive ?? isProcessAlive)(holder.pid)) return true;
  return holder.started !== undefined && processStartTime(holder.pid) !== holder.started;
}

async function removeDeadLock(paths: RenewerLockPaths): Promise<void> {
  await removeLockHolder(lockHolderFile(paths));
  await rm(paths.lockFile, { recursive: true, force: true });
}

function lockError(paths: RenewerLockPaths, error: unknown): FileWriteError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new FileWriteError(`cannot take the renewer lock ${paths.lockFile} (${code})`, {
    cause: error,
    details: { lock: paths.lockFile },
  });
}
