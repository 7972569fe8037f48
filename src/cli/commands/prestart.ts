import { resolveStatePaths } from '../../agent/state-paths.ts';
import { UsageError } from '../../errors/keyturn-error.ts';
import { runPrestart } from '../../prestart/run-prestart.ts';
import { loadRunConfig } from '../config-source.ts';
import type { CommandRun } from '../context.ts';
import { parseJsonInput } from '../input-json.ts';
import { openVault } from '../open-vault.ts';

/** `keyturn prestart`: secret ID in, files out, exit (SPEC §1). */
export async function run({
  ctx,
  out,
  globals,
  options,
}: CommandRun<{ daemon?: boolean; metricsAddr?: string }>): Promise<number> {
  if (options.metricsAddr !== undefined && !options.daemon) {
    throw new UsageError('prestart --metrics-addr needs --daemon: a plain prestart exits at once');
  }
  if (options.daemon) {
    // Loaded only here: a plain prestart pays nothing for the daemon and its lock library.
    const { runPrestartDaemon } = await import('../../daemon/prestart-daemon.ts');
    return runPrestartDaemon({ ctx, out, globals, options, args: [] });
  }
  const input = globals.inputJson ? parseJsonInput(await ctx.readStdin(), out.redactor) : {};
  const loaded = await loadRunConfig(globals, ctx);
  const { client, config } = openVault(loaded, ctx, out, input);
  try {
    const result = await runPrestart({
      config,
      client,
      env: ctx.env,
      out,
      signal: ctx.signal,
      cwd: ctx.cwd,
      uid: ctx.uid,
      now: Date.now,
      // Recorded for `keyturn status` (the token's expiry, the files written).
      stateFile: resolveStatePaths(config, ctx.uid, ctx.env, ctx.cwd).stateFile,
    });
    out.log.info(
      {
        written: result.files.written.length,
        unchanged: result.files.unchanged.length,
        accessor: result.login.accessor,
      },
      'prestart complete',
    );
    return 0;
  } finally {
    client.close();
  }
}
