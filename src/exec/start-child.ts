import type { Output } from '../log/output.ts';
import { systemTimers, type Timers } from '../timing/clock.ts';
import type { ChildEnd } from './exit-status.ts';

/** The child of `keyturn exec`, running. */
export interface RunningChild {
  readonly pid: number | undefined;
  readonly startedAtMs: number;
  /** Settles (never rejects) when the child has ended. */
  readonly ended: Promise<ChildEnd>;
  /** Sends `signal` if the child still runs. */
  kill(signal: NodeJS.Signals): void;
  /** Sends `signal`, then SIGKILL if the child is still there after `timeoutMs` (exec.stop_timeout). */
  stop(signal: NodeJS.Signals, timeoutMs: number): void;
}

export interface StartChildOptions {
  env: Record<string, string>;
  cwd: string;
  out: Output;
  timers?: Timers;
}

/** What a shell answers when the program is missing (127) or not executable (126). */
const SPAWN_FAILURES: Record<string, number> = { ENOENT: 127, EACCES: 126, ENOEXEC: 126 };

/**
 * Starts `argv` with exactly `env` and keyturn's stdio. execa is loaded here, on first use,
 * so no other command pays for it; its `cleanup` ends the child if keyturn itself dies.
 */
export async function startChild(
  argv: readonly string[],
  options: StartChildOptions,
): Promise<RunningChild> {
  const [file, ...args] = argv;
  if (!file) throw new Error('startChild: empty command');
  const timers = options.timers ?? systemTimers;
  const { execa } = await import('execa');
  const subprocess = execa(file, args, {
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    stdio: 'inherit',
    reject: false,
    buffer: false,
    cleanup: true,
    // keyturn decides when to SIGKILL: after exec.stop_timeout, for every stop signal.
    forceKillAfterDelay: false,
  });
  const startedAtMs = Date.now();
  let gone = false;
  let killTimer: unknown;
  const ended = subprocess.then((result): ChildEnd => {
    gone = true;
    if (killTimer !== undefined) timers.clearTimeout(killTimer);
    const failure = result.code === undefined ? undefined : SPAWN_FAILURES[result.code];
    if (result.exitCode === undefined && result.signal === undefined && failure !== undefined) {
      const why = failure === 127 ? 'was not found' : 'could not be executed';
      options.out.log.error({ command: file, code: result.code }, `${file} ${why}`);
      return { exitCode: failure };
    }
    return result.signal === undefined
      ? { exitCode: result.exitCode ?? 0 }
      : { signal: result.signal as NodeJS.Signals };
  });
  const kill = (signal: NodeJS.Signals): void => {
    if (!gone) subprocess.kill(signal);
  };
  return {
    pid: subprocess.pid,
    startedAtMs,
    ended,
    kill,
    stop(signal, timeoutMs) {
      kill(signal);
      if (gone || killTimer !== undefined) return;
      killTimer = timers.setTimeout(() => {
        options.out.log.warn(
          { pid: subprocess.pid, signal, timeoutMs },
          `the child did not stop within ${timeoutMs} ms of ${signal}; sending SIGKILL`,
        );
        kill('SIGKILL');
      }, timeoutMs);
    },
  };
}
