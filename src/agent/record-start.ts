import type { Config } from '../config/config-types.ts';
import type { Logger } from '../log/output.ts';
import type { PrestartResult } from '../prestart/run-prestart.ts';
import { type StateMode, writeAgentState } from '../state/agent-state.ts';
import { liveFromPrestart } from './live-from-prestart.ts';
import { liveSnapshot } from './live-snapshot.ts';
import { noMetrics } from './renewer-metrics.ts';

export interface StartStateOptions {
  file: string;
  mode: StateMode;
  uid: number;
  log: Logger;
}

/**
 * Records what a prestart wrote, so `status` can judge the files, certificates and the
 * token's expiry without a renewer. Best effort: the files are what the container needs,
 * so a state directory that cannot be written is a warning, not a failed start.
 */
export async function recordStart(
  config: Config,
  start: PrestartResult,
  options: StartStateOptions,
): Promise<void> {
  try {
    const live = liveFromPrestart(config, start, { metrics: noMetrics });
    const state = liveSnapshot(config, live, {
      mode: options.mode,
      startedAt: new Date(start.login.issuedAtMs).toISOString(),
      files: [...start.files.written, ...start.files.unchanged],
    });
    await writeAgentState(options.file, state, options.uid);
  } catch (error) {
    options.log.warn(
      { path: options.file, error: error instanceof Error ? error.message : String(error) },
      'could not write the state file: `keyturn status` will not see this run',
    );
  }
}
