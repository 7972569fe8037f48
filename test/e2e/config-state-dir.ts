import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The one config's state directory under `base` (a test's `state_dir`): keyturn keeps each
 * config's state in `<state_dir>/<name>-<hash>` (SPEC §6), and a test runs one config there.
 */
export async function configStateDir(base: string): Promise<string> {
  const entries = await readdir(base, { withFileTypes: true });
  const dirs = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  if (dirs.length !== 1) throw new Error(`expected one config state dir in ${base}, found ${dirs}`);
  return join(base, dirs[0] as string);
}
