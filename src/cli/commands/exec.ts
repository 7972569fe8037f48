import { revokeToken } from '../../auth/revoke-token.ts';
import type { Config } from '../../config/config-types.ts';
import { UsageError } from '../../errors/keyturn-error.ts';
import { createExecSupervisor, type ExecSupervisor } from '../../exec/exec-supervisor.ts';
import type { PrestartResult } from '../../prestart/run-prestart.ts';
import { acquireRenewerLock, type RenewerLock } from '../../state/renewer-lock.ts';
import type { VaultClient } from '../../vault/client.ts';
import type { CommandRun } from '../context.ts';
import { openPrestart } from '../open-prestart.ts';
import { type Renewal, startRenewal } from '../start-renewal.ts';

/**
 * `keyturn exec -- CMD [ARG...]` (SPEC §1, §3 `exec`): prestart, then run CMD with the
 * secrets' `env:` fields in its environment while renewing beside it; forward signals; exit
 * with CMD's status. 75 wins when the renewer cannot go on (the child is stopped first).
 */
export async function run(command: CommandRun<{ metricsAddr?: string }>): Promise<number> {
  const { ctx, out, options, args } = command;
  if (args.length === 0) {
    throw new UsageError('exec: name the command to run: keyturn exec [options] -- CMD [ARG...]');
  }
  const { client, config, paths, prestart } = await openPrestart(command, {
    forExec: true,
    command: 'exec',
  });
  let renewal: Renewal | undefined;
  let lock: RenewerLock | undefined;
  const stopRenewal = new AbortController();
  try {
    // One renewer per config (SPEC §6), taken before the one-time secret ID is spent.
    lock = await acquireRenewerLock(paths, ctx.pid, { uid: ctx.uid });
    const start = await prestart();
    out.log.info({ written: start.files.written.length }, 'prestart complete');
    const supervisor = await supervisorFor(command, args, config, start, client);
    renewal = await startRenewal({
      config,
      client,
      out,
      ctx,
      start,
      stateFile: paths.stateFile,
      mode: 'exec',
      ...(options.metricsAddr ? { metricsAddr: options.metricsAddr } : {}),
      onSecrets: (secrets) => supervisor.secretsChanged(secrets),
      signal: AbortSignal.any([stopRenewal.signal, lock.lost]),
    });
    // The renewer stopping on its own (75, a lost lock) stops the child; so does a signal
    // that arrived before the child could take it over.
    const renewerStopped = new AbortController();
    let renewalError: unknown;
    renewal.done.then(
      () => renewerStopped.abort(),
      (error: unknown) => {
        renewalError = error;
        renewerStopped.abort();
      },
    );
    const status = await supervisor.run(AbortSignal.any([renewerStopped.signal, ctx.signal]));
    if (renewalError !== undefined) throw renewalError;
    if (lock.lost.aborted) throw lock.lost.reason;
    stopRenewal.abort();
    await renewal.done;
    return status;
  } finally {
    stopRenewal.abort();
    await renewal?.done.catch(() => undefined);
    client.close();
    await renewal?.close();
    await lock?.release();
  }
}

/** A mapping naming a field the secret does not have fails here (65), and the run's token goes. */
async function supervisorFor(
  { ctx, out }: CommandRun<unknown>,
  argv: string[],
  config: Config,
  start: PrestartResult,
  client: VaultClient,
): Promise<ExecSupervisor> {
  try {
    return createExecSupervisor({
      argv,
      config: config.exec,
      secrets: config.secrets,
      fetched: start.fetched.secrets,
      env: ctx.env,
      cwd: ctx.cwd,
      out,
      takeSignals: ctx.takeSignals,
    });
  } catch (error) {
    await revokeToken(client, start.login, out, {
      revoked: 'revoked the token of the failed run',
      failed: 'could not revoke the token of the failed run',
    });
    throw error;
  }
}
