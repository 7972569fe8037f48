import type { LogFormat, LogLevel, Output } from '../log/output.ts';

/** Flags every command understands (SPEC §1). */
export interface GlobalOptions {
  config?: string;
  logLevel: LogLevel;
  logFormat?: LogFormat;
  secret: string[];
  inputJson: boolean;
}

/**
 * Everything a command may know about the process, handed down as plain values by the
 * entry point: commands never read `process.*` themselves, so tests can drive them.
 */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  uid: number;
  gid: number;
  /** Reads all of standard input (for `--input-json`). */
  readStdin: () => Promise<string>;
  /** Aborted on SIGTERM/SIGINT. */
  signal: AbortSignal;
  /**
   * Routes the named signals to `handler` instead (SIGTERM/SIGINT then no longer abort
   * `signal`) until the returned function is called: `exec` forwards them to its child.
   */
  takeSignals(
    names: readonly NodeJS.Signals[],
    handler: (name: NodeJS.Signals) => void,
  ): () => void;
  /** This process. */
  pid: number;
  /** The program that runs keyturn (Node, or keyturn itself as a single executable). */
  execPath: string;
  /**
   * What follows execPath to start keyturn again with these Node flags (`prestart --daemon`'s
   * renewer): the flags and the script under Node, `--node-options=…` for the single
   * executable.
   */
  selfArgs: (nodeFlags: readonly string[]) => string[];
  /** Pretty logs by default only when a person is watching stderr. */
  stderrIsTTY: boolean;
  /** Asks without echo on the terminal; undefined when stdin is not one (SPEC §1: passphrases, shares). */
  prompt?: (question: string) => Promise<string>;
}

/** What a command receives once the flags are parsed and the output is set up. */
export interface CommandRun<Options = Record<string, unknown>> {
  ctx: CliContext;
  out: Output;
  globals: GlobalOptions;
  options: Options;
  args: string[];
}
