import type { ParentOptions } from './safe-dir.ts';

/** What a planned file implies for its parent directories (SPEC §5 parent rule). */
export function parentOptions(
  file: { uid?: number; gid?: number; allowInsecureDir?: boolean },
  keyturnUid: number,
): ParentOptions {
  return {
    ownerUid: file.uid,
    ownerGid: file.gid,
    keyturnUid,
    allowInsecure: file.allowInsecureDir,
  };
}

/**
 * Runs `check` once per directory and options in a write set, sharing the promise: a
 * thousand files in one directory walk its path once, not a thousand times.
 */
export function checkParentOnce<T>(
  checked: Map<string, Promise<T>> | undefined,
  dir: string,
  opts: ParentOptions,
  check: (dir: string, opts: ParentOptions) => Promise<T>,
): Promise<T> {
  const key = JSON.stringify([dir, opts]);
  let result = checked?.get(key);
  if (!result) {
    result = check(dir, opts);
    checked?.set(key, result);
  }
  return result;
}
