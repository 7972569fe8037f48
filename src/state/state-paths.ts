import { join } from 'node:path';
import type { Config } from '../config/config-types.ts';
import { ensureSafeParent } from '../files/safe-dir.ts';

/** Where one renewer keeps its files. */
export interface StatePaths {
  dir: string;
  /** state.json: read by `status`. */
  stateFile: string;
  /** renewer.lock: one renewer per config. */
  lockFile: string;
  /** renewer.log: the log of the detached renewer `prestart --daemon` leaves running. */
  logFile: string;
}

/**
 * `state_dir`, else /run/keyturn for root (tmpfs, gone at reboot like the state it holds)
 * and `$TMPDIR/keyturn-<uid>` for others, who cannot write /run.
 */
export function resolveStatePaths(
  config: Pick<Config, 'stateDir'>,
  uid: number,
  env: Readonly<Record<string, string | undefined>>,
): StatePaths {
  const dir = config.stateDir
    ? config.stateDir
    : uid === 0
      ? '/run/keyturn'
      : join(env.TMPDIR || '/tmp', `keyturn-${uid}`);
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'renewer.lock'),
    logFile: join(dir, 'renewer.log'),
  };
}

/**
 * Creates the state directory 0700 under SPEC §5's parent rule: in a shared /tmp, another
 * user could otherwise pre-create `keyturn-<uid>` and read or swap the state and lock.
 */
export async function ensureStateDir(paths: StatePaths, keyturnUid: number): Promise<string> {
  return ensureSafeParent(paths.dir, { keyturnUid });
}
