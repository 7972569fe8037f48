import { Socket } from 'node:net';
import type { Output } from '../log/output.ts';
import { acquireRenewerLock, type RenewerLock } from '../state/renewer-lock.ts';
import {
  decodeHandover,
  encodeReport,
  failureReport,
  MAX_HANDOVER_BYTES,
  type RenewerHandover,
  type RenewerReport,
  registerHandoverSecrets,
} from './handover.ts';
import { readToEnd } from './pipe-text.ts';
import { openRenewerLog } from './renewer-log.ts';

/** The renewer's side of the handover: what it knows of itself and how to start renewing. */
export interface DaemonRenewerDeps {
  pid: number;
  uid: number;
  /** The CLI's output: its redactor learns the token the moment the handover is read. */
  out: Output;
  signal: AbortSignal;
  /** Everything after the lock: open Vault, start the renewal engine (resolves when it runs). */
  start: (handover: RenewerHandover, log: Output, signal: AbortSignal) => Promise<Running>;
  handoverFd?: number;
  reportFd?: number;
}

/** A started renewal engine: `done` settles when it stops. */
export interface Running {
  done: Promise<void>;
  close(): Promise<void>;
}

/**
 * The hidden `__renewer` command (SPEC §1 `prestart --daemon`): read the handover from fd 3,
 * take the one-renewer lock, start renewing, say "ready" on fd 4, then run until signalled.
 * Every failure before "ready" goes back to the parent, which exits with its code.
 */
export async function runDaemonRenewer(deps: DaemonRenewerDeps): Promise<number> {
  const report = new Socket({ fd: deps.reportFd ?? 4, readable: false, writable: true });
  report.on('error', () => undefined); // a parent gone away: send() reports it
  let handover: RenewerHandover;
  let lock: RenewerLock;
  try {
    const pipe = new Socket({ fd: deps.handoverFd ?? 3, readable: true, writable: false });
    handover = decodeHandover(await readToEnd(pipe, MAX_HANDOVER_BYTES));
    pipe.destroy();
    // At once: from here on any line that quotes the token or a secret prints [REDACTED].
    registerHandoverSecrets(handover, deps.out.redactor);
    lock = await acquireRenewerLock(handover, deps.pid, { uid: deps.uid });
  } catch (error) {
    return failBeforeReady(report, error);
  }
  try {
    return await runLocked(handover, lock, report, deps);
  } finally {
    await lock.release();
  }
}

async function runLocked(
  handover: RenewerHandover,
  lock: RenewerLock,
  report: Socket,
  deps: DaemonRenewerDeps,
): Promise<number> {
  let log: Awaited<ReturnType<typeof openRenewerLog>>;
  try {
    log = await openRenewerLog(handover.logFile, handover.logLevel, deps.out.redactor, deps.uid);
  } catch (error) {
    return failBeforeReady(report, error);
  }
  const stop = new AbortController();
  const signal = AbortSignal.any([deps.signal, lock.lost, stop.signal]);
  let running: Running | undefined;
  try {
    running = await deps.start(handover, log.out, signal);
    if (!(await send(report, { ok: true, pid: deps.pid }))) {
      // The parent is gone before it heard "ready": it exits non-zero, so no daemon stays.
      log.out.log.error('prestart --daemon went away before the renewer was ready; stopping');
      stop.abort();
    } else {
      log.out.log.info({ pid: deps.pid, accessor: handover.start.login.accessor }, 'renewer ready');
    }
    await running.done;
    if (lock.lost.aborted) throw lock.lost.reason;
    log.out.log.info('renewer stopped');
    return 0;
  } catch (error) {
    if (running === undefined) return failBeforeReady(report, error, log.out);
    const { reportError } = await import('../errors/report-error.ts');
    return reportError(error, log.out);
  } finally {
    await running?.close();
    log.close();
  }
}

/** Tells the parent why, logs it where the renewer logs, and ends with that exit code. */
async function failBeforeReady(report: Socket, error: unknown, log?: Output): Promise<number> {
  const answer = failureReport(error);
  await send(report, answer);
  if (log) {
    const { reportError } = await import('../errors/report-error.ts');
    reportError(error, log);
  }
  return answer.ok ? 0 : answer.exitCode;
}

/** Writes the one report line and closes fd 4; false when the parent is no longer there. */
function send(report: Socket, answer: RenewerReport): Promise<boolean> {
  return new Promise((resolve) => {
    if (report.destroyed) {
      resolve(false);
      return;
    }
    report.once('error', () => resolve(false));
    report.end(encodeReport(answer), () => {
      report.destroy();
      resolve(true);
    });
  });
}
