import { writeSync } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';
import { Redactor } from './redactor.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LogFormat = 'json' | 'pretty';
export type { Logger };

export interface OutputOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where log lines go (default fd 2) and where `print` writes (default fd 1). */
  logFd?: number;
  printFd?: number;
  /** Pretty logs in colour: only for a person at a terminal (default off). */
  colour?: boolean;
}

/**
 * The single point where keyturn writes anything: log lines (JSON on stderr, pretty on a
 * TTY) and command output on stdout. Both pass the redactor, so code that forgets to mask
 * a value — or a library error that quotes one — still prints `[REDACTED]`.
 */
export interface Output {
  readonly log: Logger;
  readonly redactor: Redactor;
  /** Command output for the user (tables, JSON): redacted like the logs. */
  print(text: string): void;
  /** Output whose whole purpose is a credential (issue-secret-id's wrapping token). */
  printCredential(text: string): void;
}

export async function createOutput(
  options: OutputOptions,
  redactor = new Redactor(),
): Promise<Output> {
  const logFd = options.logFd ?? 2;
  const printFd = options.printFd ?? 1;
  const sink: DestinationStream =
    options.format === 'pretty'
      ? // Loaded only when asked for: the heaviest module a start would otherwise pay for.
        (await import('pino-pretty')).default({
          destination: logFd,
          sync: true,
          // A pipe or a file gets no escape codes, even with --log-format pretty.
          colorize: options.colour === true,
        })
      : pino.destination({ dest: logFd, sync: true });
  const log = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Value by value, never the whole line: keys and `level`/`time` stay, the JSON stays valid.
      hooks: { streamWrite: (line) => redactor.redactJsonLine(line) },
    },
    sink,
  );
  return {
    log,
    redactor,
    print: (text) => writeSync(printFd, redactPrinted(redactor, text)),
    printCredential: (text) => writeSync(printFd, text),
  };
}

/** Command output: JSON (`status --json`) redacted value by value like a log line, text as text. */
function redactPrinted(redactor: Redactor, text: string): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return redactor.redact(text);
  try {
    const parsed: unknown = JSON.parse(text);
    const indent = /^[{[]\n( +)/.exec(trimmed)?.[1]?.length ?? 0;
    return `${JSON.stringify(redactor.redactValue(parsed), null, indent || undefined)}${text.endsWith('\n') ? '\n' : ''}`;
  } catch {
    return redactor.redact(text);
  }
}
