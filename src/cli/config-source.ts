import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configFromFlags } from '../config/config-from-flags.ts';
import type { Config } from '../config/config-types.ts';
import { loadConfig } from '../config/load-config.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { CliContext, GlobalOptions } from './context.ts';

/** Which file `--config`, `$KEYTURN_CONFIG` or the default name points at. */
export function configPath(
  globals: GlobalOptions,
  ctx: CliContext,
): { path: string; explicit: boolean } {
  const given = globals.config ?? ctx.env.KEYTURN_CONFIG;
  return given
    ? { path: resolve(ctx.cwd, given), explicit: true }
    : { path: resolve(ctx.cwd, 'keyturn.yaml'), explicit: false };
}

/** Reads a config file; a missing default file is `undefined`, a missing named one an error. */
export async function readConfigText(path: string, explicit: boolean): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return undefined;
    throw new UsageError(`cannot read the config file ${path} (${code ?? 'error'})`, {
      cause: error,
    });
  }
}

/**
 * The configuration a fetching command runs with: the file, plus `--secret` flags
 * appended; flags alone are enough for a docker-compose one-liner.
 */
export async function loadRunConfig(globals: GlobalOptions, ctx: CliContext): Promise<Config> {
  const { path, explicit } = configPath(globals, ctx);
  const text = await readConfigText(path, explicit);
  const fromFlags =
    globals.secret.length > 0 ? configFromFlags({ secrets: globals.secret }, ctx.cwd) : undefined;
  if (text === undefined) {
    if (fromFlags) return fromFlags;
    throw new UsageError(
      `no configuration: ${path} does not exist. Pass --config FILE, set KEYTURN_CONFIG, ` +
        'or name secrets with --secret PATH=FILE[:FIELD]',
    );
  }
  const config = loadConfig(text, path, ctx.cwd);
  if (!fromFlags) return config;
  return { ...config, secrets: [...config.secrets, ...fromFlags.secrets] };
}
