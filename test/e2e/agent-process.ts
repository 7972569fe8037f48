import { type ChildProcess, spawn } from 'node:child_process';
import { cliEnv, cliPath, type RunOptions, type RunResult } from './run-keyturn.ts';

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** A keyturn that keeps running (agent): watch its log, signal it, collect its end. */
export interface KeyturnProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  /** JSON log lines so far. */
  lines(): LogLine[];
  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the process has ended. */
  readonly done: Promise<RunResult & { endedAt: number }>;
  /** Sends `signal` and waits for the end; `elapsedMs` from the signal to the exit. */
  stop(signal?: NodeJS.Signals): Promise<RunResult & { elapsedMs: number }>;
}

/** Spawns the built CLI like runKeyturn, without waiting for it to end. */
export function startKeyturn(args: string[], options: RunOptions = {}): KeyturnProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: cliEnv(options.env),
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const parsed: LogLine[] = [];
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (line.startsWith('{')) parsed.push(JSON.parse(line) as LogLine);
    }
    for (const wake of waiters) wake();
  });
  let ended = false;
  const done = new Promise<RunResult & { endedAt: number }>((resolve) => {
    child.on('close', (code, signal) => {
      // Before waking the waiters: each of them must see the end and give up at once.
      ended = true;
      resolve({ code, signal, stdout, stderr, endedAt: Date.now() });
      for (const wake of waiters) wake();
    });
  });

  function waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = parsed.find(predicate);
        if (found) finish(() => resolve(found));
        else if (ended)
          finish(() => reject(new Error(`keyturn ended first:\n${stderr.slice(-3000)}`)));
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new Error(`no such log line within ${timeoutMs} ms:\n${stderr.slice(-3000)}`)),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  }

  return {
    child,
    lines: () => [...parsed],
    waitForLog,
    done,
    async stop(signal = 'SIGTERM') {
      const sentAt = Date.now();
      child.kill(signal);
      const result = await done;
      return { ...result, elapsedMs: result.endedAt - sentAt };
    },
    async [Symbol.asyncDispose]() {
      if (!ended) {
        child.kill('SIGKILL');
        await done;
      }
    },
  };
}

/** Log lines whose message contains `text`. */
export const msg = (text: string) => (line: LogLine) =>
  typeof line.msg === 'string' && line.msg.includes(text);

/** Matches the `n`-th (0-based) log line of `agent` that `predicate` matches. */
export const nth =
  (agent: Pick<KeyturnProcess, 'lines'>, predicate: (line: LogLine) => boolean, n: number) =>
  (line: LogLine) =>
    predicate(line) && agent.lines().filter(predicate)[n] === line;

/**
 * A hang bound for a wait that depends on the agent's own timer: the time left until its
 * `n`-th planned token renewal (from its debug line `token renewal scheduled`), plus `slackMs`
 * for a busy machine. Nothing is asserted on it: the test passes however late the agent is,
 * within the bound, and fails fast when it is not coming at all.
 */
export async function untilPlanned(
  agent: Pick<KeyturnProcess, 'lines' | 'waitForLog'>,
  n: number,
  slackMs = 8000,
): Promise<number> {
  const plan = await agent.waitForLog(nth(agent, msg('token renewal scheduled'), n));
  return Math.max(0, Date.parse(String(plan.renewAt)) - Date.now()) + slackMs;
}

/**
 * Drives a test server's clock by the agent's own plan for its first token: whenever the
 * agent logs a planned renewal of it (debug level), the server's clock moves on by the delay
 * the agent planned (`renewAt - grantedAt`), in whole seconds and never more: Vault counts
 * TTLs in whole seconds, so a token moved on by a fraction could die at a second boundary
 * just before the agent's renewal. The server thus sees none of the latency a busy machine
 * adds, and the token never dies under the agent between plans, while each renewal still
 * brings its max TTL nearer (plans are over 1 s apart for TTLs from 2 s). Plans for later
 * tokens (after a login again) leave the clock where it is: the old token stays alive while
 * the agent moves to the new one. Resolves when the agent has ended.
 */
export async function followPlans(
  agent: Pick<KeyturnProcess, 'lines' | 'waitForLog'>,
  clock: { advance(ms: number): void },
): Promise<void> {
  let accessor: unknown;
  for (let n = 0; ; n++) {
    const plan = await agent
      .waitForLog(nth(agent, msg('token renewal scheduled'), n), 3_600_000)
      .catch(() => undefined);
    if (!plan) return;
    accessor ??= plan.accessor;
    if (plan.accessor !== accessor) continue;
    const delayMs = Date.parse(String(plan.renewAt)) - Date.parse(String(plan.grantedAt));
    clock.advance(Math.floor(delayMs / 1000) * 1000);
  }
}
