import { revokeToken } from '../../auth/revoke-token.ts';
import type { Config } from '../../config/config-types.ts';
import { handoverStart, renewerConfig } from '../../daemon/handover.ts';
import { RENEWER_COMMAND, RENEWER_NODE_FLAGS } from '../../daemon/renewer-command.ts';
import { renewerEnvironment } from '../../daemon/renewer-environment.ts';
import { spawnRenewer } from '../../daemon/spawn-renewer.ts';
import { parseListenAddress } from '../../metrics/listen-address.ts';
import type { PrestartResult } from '../../prestart/run-prestart.ts';
import { lockedError, peekRenewerLock } from '../../state/renewer-lock.ts';
import type { StatePaths } from '../../state/state-paths.ts';
import type { CommandRun } from '../context.ts';
import { openPrestart } from '../open-prestart.ts';

export interface DaemonOptions {
  daemon?: boolean;
  metricsAddr?: string;
}

/*
 * Why 15 s: the renewer only has to start Node, read the handover, take the lock and open its
 * log; a loaded 2-core host does that in well under a second. A ContainerPilot preStart that
 * hangs is worse than one that fails and is retried.
 */
const READY_TIMEOUT_MS = 15_000;

/**
 * `keyturn prestart --daemon` (SPEC §1): refuse at once when a renewer already runs for this
 * config (before the one-time secret ID is spent), run prestart, then start the detached
 * renewer and exit 0 once it is ready. If it cannot start, the token is revoked and no
 * renewer is left behind.
 */
export async function runPrestartDaemon(run: CommandRun<DaemonOptions>): Promise<number> {
  const { out, options } = run;
  if (options.metricsAddr !== undefined) parseListenAddress(options.metricsAddr);
  const { client, config, paths, prestart } = await openPrestart(run, {
    command: 'prestart --daemon',
    beforeOpen: async (state) => {
      const holder = await peekRenewerLock(state, run.ctx.pid);
      if (holder) throw lockedError(state, holder);
    },
  });
  try {
    const start = await prestart();
    out.log.info(
      { written: start.files.written.length, accessor: start.login.accessor },
      'prestart complete; starting the renewer',
    );
    try {
      const pid = await startRenewer(run, config, start, paths);
      out.log.info({ pid, log: paths.logFile }, 'renewer running');
      return 0;
    } catch (error) {
      // Nothing would keep the token alive, and a failed preStart must not leave credentials
      // minted: it goes, and its leases with it.
      await revokeToken(client, start.login, out, {
        revoked: 'revoked the token: no renewer would keep it',
        failed: 'could not revoke the token',
      });
      throw error;
    }
  } finally {
    client.close();
  }
}

/** Spawns `keyturn __renewer` and hands it the run; resolves with its pid once it is ready. */
function startRenewer(
  { ctx, globals, options }: CommandRun<DaemonOptions>,
  config: Config,
  start: PrestartResult,
  paths: StatePaths,
): Promise<number> {
  return spawnRenewer({
    execPath: ctx.execPath,
    args: [...ctx.selfArgs(RENEWER_NODE_FLAGS), RENEWER_COMMAND, '--log-level', globals.logLevel],
    cwd: ctx.cwd,
    env: renewerEnvironment(ctx.env),
    handover: {
      version: 1,
      config: renewerConfig(config),
      start: handoverStart(start),
      stateFile: paths.stateFile,
      lockFile: paths.lockFile,
      logFile: paths.logFile,
      logLevel: globals.logLevel,
      metricsAddr: options.metricsAddr,
    },
    readyTimeoutMs: READY_TIMEOUT_MS,
    signal: ctx.signal,
  });
}
