import { constants } from 'node:os';
import { ON_CHANGE_WAIT_CAP } from '../agent/on-change-scheduler.ts';
import type { ExecConfig, SecretConfig } from '../config/config-types.ts';
import type { Output } from '../log/output.ts';
import type { SecretData } from '../sources/read-secret.ts';
import { type Clock, systemClock, systemTimers, type Timers } from '../timing/clock.ts';
import { quietWindow } from '../timing/quiet-window.ts';
import { childEnvironment, mappedVariables, variablesDiffer } from './child-environment.ts';
import { afterChildExit, CRASH_RETRIES } from './crash-backoff.ts';
import { describeEnd, exitStatusOf } from './exit-status.ts';
import { type RunningChild, startChild } from './start-child.ts';

/** The signals keyturn passes on to its child (SPEC §3 `exec`). */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
];
/** Those that ask to stop: no restart follows them, and exec.stop_timeout applies. */
const STOPPING: ReadonlySet<NodeJS.Signals> = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT']);

export type TakeSignals = (
  names: readonly NodeJS.Signals[],
  handler: (name: NodeJS.Signals) => void,
) => () => void;

export interface ExecSupervisorInput {
  argv: readonly string[];
  config: ExecConfig;
  secrets: readonly SecretConfig[];
  /** The secrets prestart fetched, by config index. */
  fetched: readonly (SecretData | undefined)[];
  /** keyturn's environment. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out: Output;
  /** Routes the signals keyturn receives to a handler while the child runs (see main.ts). */
  takeSignals: TakeSignals;
  clock?: Clock;
  timers?: Timers;
}

export interface ExecSupervisor {
  /** The renewer's holdings after a rewrite: restarts or signals the child when its variables changed. */
  secretsChanged(data: readonly (SecretData | undefined)[]): void;
  /**
   * Runs the child until it ends for good and resolves with keyturn's exit status (the
   * child's code, 128+N for signal N). `stop` aborting stops the child (stop_signal, then
   * SIGKILL after stop_timeout).
   */
  run(stop: AbortSignal): Promise<number>;
}

/** Builds the supervisor; a field an `env:` mapping names that the secret lacks is 65, now. */
export function createExecSupervisor(input: ExecSupervisorInput): ExecSupervisor {
  const { config, out } = input;
  const clock = input.clock ?? systemClock;
  const timers = input.timers ?? systemTimers;
  const log = out.log;
  let latest = mappedVariables(input.secrets, input.fetched);
  /** What the running child was given or told about. */
  let announced = latest;
  let child: RunningChild | undefined;
  let restartWanted = false;
  let stopping: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;

  const window = quietWindow(
    {
      waitMs: config.onChangeWaitMs,
      // The cap of files' on_change: a secret that keeps changing still reaches the child.
      capFactor: ON_CHANGE_WAIT_CAP,
      clock,
      timers,
    },
    () => actOnChange(),
  );

  function actOnChange(): void {
    // Changed back within the window, or the child is stopping anyway: nothing to do.
    if (!child || stopping || !variablesDiffer(latest, announced)) return;
    const changed = changedNames(announced, latest);
    if (config.onChange === 'signal') {
      log.info(
        { signal: config.signal, variables: changed },
        'secrets changed: signalling the child',
      );
      announced = latest;
      child.kill(config.signal);
      return;
    }
    log.info(
      { signal: config.stopSignal, variables: changed },
      'secrets changed: restarting the child',
    );
    restartWanted = true;
    child.stop(config.stopSignal, config.stopTimeoutMs);
  }

  function onSignal(name: NodeJS.Signals): void {
    if (STOPPING.has(name)) {
      stopping ??= name;
      window.cancel();
    }
    if (!child) {
      wake?.();
      return;
    }
    log.info({ signal: name, pid: child.pid }, 'forwarding signal to the child');
    if (STOPPING.has(name)) child.stop(name, config.stopTimeoutMs);
    else child.kill(name);
  }

  async function spawn(): Promise<RunningChild> {
    announced = latest;
    const env = childEnvironment(input.env, latest);
    const started = await startChild(input.argv, { env, cwd: input.cwd, out, timers });
    log.info({ command: input.argv[0], pid: started.pid }, 'child started');
    return started;
  }

  /** Waits `ms`, or less when a stop arrives. */
  async function pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const handle = timers.setTimeout(resolve, ms);
      wake = () => {
        timers.clearTimeout(handle);
        resolve();
      };
    });
    wake = undefined;
  }

  return {
    secretsChanged(data) {
      let next: Record<string, string>;
      try {
        next = mappedVariables(input.secrets, data);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.error(`the child keeps its environment: ${message}`);
        return;
      }
      // Only a change pokes the window: a refresh that reads the same value again is quiet.
      if (!variablesDiffer(next, latest)) return;
      latest = next;
      if (config.onChange === 'none') {
        log.info(
          { variables: changedNames(announced, latest) },
          'secrets changed; on_change: none',
        );
        announced = latest;
        return;
      }
      window.poke();
    },

    async run(stop) {
      const release = input.takeSignals(FORWARDED_SIGNALS, onSignal);
      const onStop = (): void => {
        stopping ??= config.stopSignal;
        window.cancel();
        if (child) child.stop(config.stopSignal, config.stopTimeoutMs);
        else wake?.();
      };
      stop.addEventListener('abort', onStop, { once: true });
      if (stop.aborted) onStop();
      try {
        return await supervise();
      } finally {
        stop.removeEventListener('abort', onStop);
        window.cancel();
        release();
      }
    },
  };

  async function supervise(): Promise<number> {
    let restarted = false;
    let crashes = 0;
    for (;;) {
      if (stopping) return 128 + (constants.signals[stopping] ?? 0);
      const startedAtMs = clock.now();
      child = await spawn();
      const end = await child.ended;
      child = undefined;
      const status = exitStatusOf(end);
      const upMs = clock.now() - startedAtMs;
      if (stopping) {
        log.info({ status }, `the child ${describeEnd(end)}; stopping`);
        return status;
      }
      if (restartWanted) {
        restartWanted = false;
        restarted = true;
        crashes = 0;
        continue;
      }
      const next = afterChildExit({ afterRestart: restarted, status, upMs, crashes });
      if (next.retry) {
        crashes += 1;
        log.warn(
          { status, upMs, delayMs: next.delayMs, attempt: crashes, of: CRASH_RETRIES },
          `the child ${describeEnd(end)} soon after a restart; starting it again`,
        );
        await pause(next.delayMs);
        continue;
      }
      if (next.gaveUp) log.error({ status }, 'the child keeps dying after restarts; giving up');
      log.info({ status }, `the child ${describeEnd(end)}; keyturn exits with its status`);
      return status;
    }
  }
}

/** Names, never values: which variables a rotation changed. */
function changedNames(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => before[key] !== after[key]).sort();
}
