import { createHash } from 'node:crypto';
import { basename, extname, isAbsolute, join } from 'node:path';
import type { Config } from '../config/config-types.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import { ensureSafeParent } from '../files/safe-dir.ts';

/** Where one config's run keeps its files. */
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
 * What names a config for its state (SPEC §6: two configs never share state, lock or
 * health): the config file's absolute path (undefined when only flags configure the run),
 * and the `--secret` flags, each resolved (`PATH=/abs/file:FIELD`).
 */
export interface ConfigIdentity {
  file?: string;
  flags: string[];
}

/**
 * `<base>/<name>-<hash>`: the base is `state_dir`, else `$KEYTURN_STATE_DIR`, else
 * /run/keyturn for root (tmpfs, gone at reboot like the state it holds) and
 * `$TMPDIR/keyturn-<uid>` for others, who cannot write /run. The name is the config file's
 * name (or `flags`) for a person listing the base; the hash keeps configs apart.
 */
export function resolveStatePaths(
  config: Pick<Config, 'stateDir'>,
  identity: ConfigIdentity,
  uid: number,
  env: Readonly<Record<string, string | undefined>>,
): StatePaths {
  const dir = join(stateBase(config, uid, env), stateDirName(identity));
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'renewer.lock'),
    logFile: join(dir, 'renewer.log'),
  };
}

function stateBase(
  config: Pick<Config, 'stateDir'>,
  uid: number,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (config.stateDir) return config.stateDir;
  const fromEnv = env.KEYTURN_STATE_DIR;
  if (fromEnv) {
    if (!isAbsolute(fromEnv)) {
      throw new UsageError(`KEYTURN_STATE_DIR: expected an absolute path, got "${fromEnv}"`);
    }
    return fromEnv;
  }
  return uid === 0 ? '/run/keyturn' : join(env.TMPDIR || '/tmp', `keyturn-${uid}`);
}

/** `keyturn-3f9a0c21b4de` for ./keyturn.yaml; order of the `--secret` flags does not matter. */
export function stateDirName(identity: ConfigIdentity): string {
  const key = JSON.stringify({ file: identity.file ?? null, flags: [...identity.flags].sort() });
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  const label = identity.file
    ? basename(identity.file, extname(identity.file)).replace(/[^A-Za-z0-9._-]/g, '_')
    : 'flags';
  return `${label || 'config'}-${hash}`;
}

/**
 * Creates the state directory 0700 under SPEC §5's parent rule: in a shared /tmp, another
 * user could otherwise pre-create `keyturn-<uid>` and read or swap the state and lock.
 */
export async function ensureStateDir(paths: StatePaths, keyturnUid: number): Promise<string> {
  return ensureSafeParent(paths.dir, { keyturnUid });
}
