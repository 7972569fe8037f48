import type { Config } from '../config/config-types.ts';
import { refuseExecOnlySecrets } from '../config/exec-only-secrets.ts';
import { explainRelativePaths } from '../config/relative-paths.ts';
import { type PrestartResult, runPrestart } from '../prestart/run-prestart.ts';
import type { StatePaths } from '../state/state-paths.ts';
import type { VaultClient } from '../vault/client.ts';
import { loadRunWithState } from './config-source.ts';
import type { CommandRun } from './context.ts';
import { parseJsonInput } from './input-json.ts';
import { openVault } from './open-vault.ts';

/** A command's run, up to the login: the caller decides when to spend the secret ID. */
export interface OpenedPrestart {
  /** The caller closes it. */
  client: VaultClient;
  /** The loaded config with `--input-json` answers and the environment merged in. */
  config: Config;
  paths: StatePaths;
  /** Runs prestart (SPEC §§4–5) with this client and config. */
  prestart(): Promise<PrestartResult>;
}

export interface OpenPrestartOptions {
  /** Runs on the state paths before the client is opened. */
  beforeOpen?: (paths: StatePaths) => Promise<void>;
  /** `exec` has a child to hand `env:`-only secrets to; every other command refuses them. */
  forExec?: boolean;
  /** The command as typed, for messages. */
  command?: string;
}

/**
 * What `prestart`, `prestart --daemon`, `agent` and `exec` share: read `--input-json`, load
 * the config, open the Vault client, and hand back prestart ready to run. `beforeOpen` runs on
 * the state paths before the client is opened (`prestart --daemon` refuses there when a
 * renewer already runs for this config).
 */
export async function openPrestart(
  { ctx, out, globals }: Pick<CommandRun<unknown>, 'ctx' | 'out' | 'globals'>,
  options: OpenPrestartOptions = {},
): Promise<OpenedPrestart> {
  const input = globals.inputJson ? parseJsonInput(await ctx.readStdin(), out.redactor) : {};
  const { config: loaded, paths } = await loadRunWithState(globals, ctx);
  if (!options.forExec) refuseExecOnlySecrets(loaded, options.command ?? 'keyturn');
  await options.beforeOpen?.(paths);
  const explain = (error: unknown) => explainRelativePaths(error, loaded.relativePaths);
  let opened: ReturnType<typeof openVault>;
  try {
    opened = openVault(loaded, ctx, out, input);
  } catch (error) {
    throw explain(error);
  }
  const { client, config } = opened;
  const prestart = () =>
    runPrestart({
      config,
      client,
      env: ctx.env,
      out,
      signal: ctx.signal,
      uid: ctx.uid,
      now: Date.now,
    }).catch((error: unknown) => {
      throw explain(error);
    });
  return { client, config, paths, prestart };
}
