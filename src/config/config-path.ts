/** A location inside the config document: keys and array indexes from the root. */
export type ConfigPath = readonly PropertyKey[];

/** A problem found after the schema passed, located by path; load-config adds file and line. */
export interface RuleProblem {
  path: ConfigPath;
  message: string;
}

/** Formats a path the way people write it: `secrets[2].on_change.pid_file`. */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}
