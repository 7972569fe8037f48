import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { processStartTime } from './process-alive.ts';

/** Who holds the renewer lock: written beside it, since the lock itself is a bare directory. */
export interface LockHolder {
  pid: number;
  /** A pid means something only on the host (pid namespace) that wrote it. */
  host: string;
  since: string;
  /** The holder's start time (processStartTime): tells it from a later process given its pid. */
  started?: string;
}

/** Records this process as the holder (0600, atomic: a reader never sees half a record). */
export async function writeLockHolder(file: string, pid: number, keyturnUid: number) {
  const started = processStartTime(pid);
  const holder: LockHolder = {
    pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(started === undefined ? {} : { started }),
  };
  await writeFileAtomic(file, `${JSON.stringify(holder)}\n`, { mode: 0o600, keyturnUid });
}

/** The recorded holder, or undefined when there is none or it cannot be read. */
export async function readLockHolder(file: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid)) return undefined;
    return {
      pid: value.pid,
      host: String(value.host ?? ''),
      since: String(value.since ?? ''),
      ...(typeof value.started === 'string' ? { started: value.started } : {}),
    };
  } catch {
    return undefined;
  }
}

export async function removeLockHolder(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Same host as the holder: only then can a pid be checked for liveness. */
export function isLocalHolder(holder: LockHolder): boolean {
  return holder.host === hostname();
}
