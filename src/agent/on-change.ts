import type { OnChange } from '../config/config-types.ts';
import { ExitCode, KeyturnError, UsageError } from '../errors/keyturn-error.ts';
import { readCheckedFile } from '../files/read-checked-file.ts';
import type { Output } from '../log/output.ts';

export interface OnChangeDeps {
  /** The working directory of a command. */
  cwd: string;
  /** keyturn's effective uid, trusted as a directory owner by the parent rule. */
  uid: number;
  /** keyturn's environment; every VAULT_* variable is removed before a command sees it. */
  env: Readonly<Record<string, string | undefined>>;
  out: Output;
  /** Stops a running command (SIGTERM, then SIGKILL) when keyturn is stopped. */
  signal: AbortSignal;
  /** process.kill by default; injected by tests. */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
}

/** How much of a command's output `--log-level debug` shows. */
const OUTPUT_LINES_AT_DEBUG = 10;

const byteLength = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text) : 0);

/** Why 500 ms: keyturn must be gone within a second of SIGTERM even if the command ignores it. */
const FORCE_KILL_AFTER_MS = 500;

/**
 * Runs one `on_change` action (SPEC §6) for the files that changed. Never throws: a failing
 * action is logged and renewal goes on. Returns whether it worked.
 */
export async function runOnChange(
  action: OnChange,
  files: readonly string[],
  deps: OnChangeDeps,
): Promise<boolean> {
  const log = deps.out.log;
  const what = action.kind === 'command' ? { command: action.argv } : { signal: action.signal };
  try {
    if (action.kind === 'signal') await sendSignal(action, deps);
    else await runCommand(action, deps);
    log.info({ ...what, files }, 'on_change done');
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error({ ...what, files }, `on_change failed (renewal continues): ${message}`);
    return false;
  }
}

async function runCommand(
  action: Extract<OnChange, { kind: 'command' }>,
  deps: OnChangeDeps,
): Promise<void> {
  const [file, ...args] = action.argv;
  if (!file) throw new UsageError('on_change.command is empty');
  // Loaded on first use: most runs never rotate anything, and execa is not small.
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    cwd: deps.cwd,
    env: withoutVaultVariables(deps.env),
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    reject: false,
    timeout: action.timeoutMs,
    cancelSignal: deps.signal,
    forceKillAfterDelay: FORCE_KILL_AFTER_MS,
    maxBuffer: 1024 * 1024,
  });
  // The output itself is not logged at info: a command can print a secret in forms no
  // redactor can know (issue 12). Its exit code, duration and sizes say what an operator
  // needs; the last lines, redacted in every form keyturn knows, only at debug.
  const log = deps.out.log;
  log.info(
    {
      command: action.argv,
      exitCode: result.exitCode ?? null,
      durationMs: result.durationMs === undefined ? null : Math.round(result.durationMs),
      stdoutBytes: byteLength(result.stdout),
      stderrBytes: byteLength(result.stderr),
    },
    'on_change command finished',
  );
  const output = typeof result.all === 'string' ? result.all.trim() : '';
  if (output && log.isLevelEnabled('debug')) {
    const lastLines = output.split('\n').slice(-OUTPUT_LINES_AT_DEBUG).join('\n');
    log.debug({ command: action.argv, lastLines }, 'on_change output');
  }
  if (result.timedOut) throw new Error(`${file} did not finish within ${action.timeoutMs} ms`);
  if (result.isCanceled) throw new Error(`${file} was stopped because keyturn is stopping`);
  if (result.failed) {
    const how = result.signal ? `was ended by ${result.signal}` : `exited with ${result.exitCode}`;
    throw new Error(`${file} ${result.code === 'ENOENT' ? 'was not found' : how}`);
  }
}

/** A command must not learn how to reach Vault as keyturn, let alone its secret ID (SPEC §4). */
export function withoutVaultVariables(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !key.toUpperCase().startsWith('VAULT_')) clean[key] = value;
  }
  return clean;
}

async function sendSignal(
  action: Extract<OnChange, { kind: 'signal' }>,
  deps: OnChangeDeps,
): Promise<void> {
  const path = action.pidFile;
  // Whoever can write that directory could point keyturn's signal at any process of its user;
  // read like a template source: parent rule, no symlink, a small regular file.
  const text = await readCheckedFile(path, 'pid file', { keyturnUid: deps.uid, maxBytes: 64 });
  const pid = parsePid(text, path);
  const kill = deps.kill ?? ((target, signal) => process.kill(target, signal));
  kill(pid, action.signal);
}

function parsePid(text: string, path: string): number {
  const trimmed = text.trim();
  // Only a plain positive number: 0 and negatives would signal whole process groups.
  if (!/^[1-9]\d{0,9}$/.test(trimmed)) {
    throw new KeyturnError(
      'bad-pid-file',
      ExitCode.cantWrite,
      `${path} does not hold a process id`,
      {
        details: { path },
      },
    );
  }
  return Number(trimmed);
}
