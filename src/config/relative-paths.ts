import { dirname, isAbsolute, resolve } from 'node:path';
import { KeyturnError } from '../errors/keyturn-error.ts';

/** Paths the config gave relatively, as written, by the absolute path they became. */
export interface RelativePaths {
  cwd: string;
  /** absolute → as written */
  paths: Record<string, string>;
}

/** Resolves `value` against `cwd`, noting it in `seen` when it was relative. */
export function resolveNoting(cwd: string, value: string, seen: RelativePaths): string {
  const absolute = resolve(cwd, value);
  if (!isAbsolute(value)) seen.paths[absolute] = value;
  return absolute;
}

/**
 * A newcomer writes `to: secrets/db` in /etc/keyturn/keyturn.yaml and expects it beside the
 * config; it lands in the working directory. When an error names such a path, or one of the
 * directories it created for it there, it says so (the message gains one sentence; the error
 * is the same error).
 */
export function explainRelativePaths(error: unknown, relative: RelativePaths | undefined): unknown {
  if (!(error instanceof KeyturnError) || relative === undefined) return error;
  let best: { named: string; written: string } | undefined;
  for (const [absolute, written] of Object.entries(relative.paths)) {
    for (const named of withParentsUnder(absolute, relative.cwd)) {
      if (error.message.includes(named) && named.length > (best?.named.length ?? 0)) {
        best = { named, written };
      }
    }
  }
  if (best === undefined) return error;
  error.message +=
    ` (\`${best.written}\` is a relative path: relative paths resolve against the ` +
    `working directory ${relative.cwd}, not the config file's directory)`;
  return error;
}

/** `/w/a/b/c` under `/w`: `/w/a/b/c`, `/w/a/b`, `/w/a`. */
function withParentsUnder(absolute: string, cwd: string): string[] {
  const found: string[] = [];
  for (let path = absolute; path.startsWith(`${cwd}/`); path = dirname(path)) found.push(path);
  return found.length > 0 ? found : [absolute];
}
