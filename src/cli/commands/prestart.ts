import { recordStart } from '../../agent/record-start.ts';
import { UsageError } from '../../errors/keyturn-error.ts';
import type { CommandRun } from '../context.ts';
import { openPrestart } from '../open-prestart.ts';

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
    const { runPrestartDaemon } = await import('./prestart-daemon.ts');
    return runPrestartDaemon({ ctx, out, globals, options, args: [] });
  }
  const { client, config, paths, prestart } = await openPrestart(
    { ctx, out, globals },
    { command: 'prestart' },
  );
  try {
    const result = await prestart();
    // Recorded for `keyturn status` (the token's expiry, the files written).
    await recordStart(config, result, {
      file: paths.stateFile,
      mode: 'prestart',
      uid: ctx.uid,
      log: out.log,
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
