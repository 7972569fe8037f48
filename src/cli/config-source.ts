import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configFromFlags } from '../config/config-from-flags.ts';
import type { Config, SecretConfig } from '../config/config-types.ts';
import { loadConfig } from '../config/load-config.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import { type ConfigIdentity, resolveStatePaths, type StatePaths } from '../state/state-paths.ts';
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

/** A run's configuration, and where that config keeps its state (SPEC §6: per config). */
export interface RunConfig {
  config: Config;
  paths: StatePaths;
}

/**
 * The configuration a fetching command runs with: the file, plus `--secret` flags
 * appended; flags alone are enough for a docker-compose one-liner.
 */
export async function loadRunConfig(globals: GlobalOptions, ctx: CliContext): Promise<Config> {
  return (await loadRun(globals, ctx)).config;
}

/**
 * The configuration and its state paths: `status` given the same `--config`/`--secret` as
 * a prestart finds that prestart's state, and no other config's.
 */
export async function loadRunWithState(
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<RunConfig> {
  const { config, identity } = await loadRun(globals, ctx);
  return { config, paths: resolveStatePaths(config, identity, ctx.uid, ctx.env) };
}

async function loadRun(
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<{ config: Config; identity: ConfigIdentity }> {
  const { path, explicit } = configPath(globals, ctx);
  const text = await readConfigText(path, explicit);
  const fromFlags =
    globals.secret.length > 0 ? configFromFlags({ secrets: globals.secret }, ctx.cwd) : undefined;
  const flags = (fromFlags?.secrets ?? []).map(flagIdentity);
  if (text === undefined) {
    if (fromFlags) return { config: fromFlags, identity: { flags } };
    throw new UsageError(
      `no configuration: ${path} does not exist. Pass --config FILE, set KEYTURN_CONFIG, ` +
        'or name secrets with --secret PATH=FILE[:FIELD] (`status` takes the same flags as ' +
        'the prestart it checks)',
    );
  }
  const config = loadConfig(text, path, ctx.cwd);
  const identity = { file: path, flags };
  if (!fromFlags) return { config, identity };
  const relativePaths = config.relativePaths ?? fromFlags.relativePaths;
  const paths = { ...fromFlags.relativePaths?.paths, ...config.relativePaths?.paths };
  return {
    config: {
      ...config,
      secrets: [...config.secrets, ...fromFlags.secrets],
      ...(relativePaths ? { relativePaths: { cwd: relativePaths.cwd, paths } } : {}),
    },
    identity,
  };
}

/** A flag as it was resolved (absolute file), so `a=out/x` and `a=./out/x` are one config. */
function flagIdentity(secret: SecretConfig): string {
  return `${secret.path}=${secret.to ?? ''}${secret.field === undefined ? '' : `:${secret.field}`}`;
}
