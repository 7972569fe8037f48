import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ExitCode, KeyturnError } from '../errors/keyturn-error.ts';
import { decodeReport, encodeHandover, type RenewerHandover, reportedError } from './handover.ts';
import { readFirstLine } from './pipe-text.ts';

export interface SpawnRenewerOptions {
  /** The Node binary and the keyturn script: the renewer is this same program. */
  execPath: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  handover: RenewerHandover;
  /** How long the renewer gets to say "ready". */
  readyTimeoutMs: number;
  signal: AbortSignal;
}

/**
 * Starts the detached renewer (SPEC §1 `prestart --daemon`): its own session, no inherited
 * stdio, the handover on fd 3, its report on fd 4. Resolves with its pid once it is ready;
 * otherwise kills it (and anything it started) and throws, so a failure leaves no daemon.
 */
export async function spawnRenewer(options: SpawnRenewerOptions): Promise<number> {
  // detached: setsid(), so the renewer outlives the parent's session and terminal hangups.
  const child = spawn(options.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const handoverPipe = child.stdio[3] as Writable;
  const reportPipe = child.stdio[4] as Readable;
  try {
    const pid = await started(child);
    handoverPipe.on('error', () => undefined); // a renewer that died early: its exit says why
    handoverPipe.end(encodeHandover(options.handover));
    const line = await firstOf(readFirstLine(reportPipe), child, options);
    const report = decodeReport(line);
    if (!report.ok) throw reportedError(report);
    if (report.pid !== pid) throw startError(`the renewer reported pid ${report.pid}, not ${pid}`);
    return pid;
  } catch (error) {
    await stopRenewer(child);
    if (error instanceof KeyturnError) error.details.renewerPid = child.pid; // for logs and tests
    throw error;
  } finally {
    handoverPipe.destroy();
    reportPipe.destroy();
    child.unref();
  }
}

function started(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', (error) =>
      reject(startError(`cannot start the renewer: ${error.message}`)),
    );
    child.once('spawn', () => resolve(child.pid ?? 0));
  });
}

/** The report line, unless the renewer exits, time runs out or keyturn is stopped first. */
async function firstOf(
  line: Promise<string | undefined>,
  child: ChildProcess,
  options: SpawnRenewerOptions,
): Promise<string> {
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const failures = new Promise<never>((_, reject) => {
    const timer = setTimeout(
      () => reject(startError(`the renewer was not ready within ${options.readyTimeoutMs} ms`)),
      options.readyTimeoutMs,
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(startError('stopped before the renewer was ready'));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    child.once('exit', (code, sig) =>
      reject(startError(`the renewer exited (${sig ?? `code ${code}`}) before it was ready`)),
    );
  });
  failures.catch(() => undefined);
  try {
    const text = await Promise.race([line, failures]);
    if (text === undefined) {
      // The pipe closed without a report: the exit (if it comes at once) says more.
      return await Promise.race([failures, rejectAfter(1000, 'closed its pipe without a report')]);
    }
    return text;
  } finally {
    stop.abort();
  }
}

function rejectAfter(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(startError(`the renewer ${what}`)), ms).unref();
  });
}

/**
 * Stops a renewer that did not become ready: SIGTERM to its whole process group (it leads its
 * own session) so it releases its lock, SIGKILL if it is still there after a grace period.
 */
async function stopRenewer(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
  // Bounded waits: a renewer stuck in a syscall must not hang keyturn's own exit.
  const within = (ms: number) =>
    Promise.race([
      exited,
      new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref()),
    ]);
  signalGroup(pid, 'SIGTERM', child);
  if (await within(2000)) return;
  signalGroup(pid, 'SIGKILL', child);
  await within(2000);
}

function signalGroup(pid: number, signal: NodeJS.Signals, child: ChildProcess): void {
  try {
    process.kill(-pid, signal);
  } catch {
    child.kill(signal);
  }
}

function startError(message: string): KeyturnError {
  return new KeyturnError('renewer-start', ExitCode.internal, message);
}
