/** What an operator should read for the errno codes a file write can meet. */
const reasons: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'a symlink where none is allowed',
  ENAMETOOLONG: 'name too long',
  EEXIST: 'already exists',
  EIO: 'input/output error',
};

/** The errno code (`ENOSPC`, ...) of a Node fs error, if it is one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** A short reason for an fs error, e.g. `disk full (ENOSPC)`; fs errors never carry file content. */
export function describeErrno(err: unknown): string {
  const code = errnoCode(err);
  if (code === undefined) return err instanceof Error ? err.message : String(err);
  return `${reasons[code] ?? 'error'} (${code})`;
}
