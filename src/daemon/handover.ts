import { authMethod } from '../auth/auth-methods.ts';
import { literalCredentials } from '../auth/credential-source.ts';
import type { Config } from '../config/config-types.ts';
import { ExitCode, KeyturnError } from '../errors/keyturn-error.ts';
import type { LogLevel } from '../log/output.ts';
import type { Redactor } from '../log/redactor.ts';
import type { PrestartResult } from '../prestart/run-prestart.ts';
import { parseVaultJson } from '../vault/parse-vault-json.ts';

/**
 * What `prestart --daemon` hands its renewer over the inherited pipe (fd 3), once, as one
 * JSON document: the token travels only here — never in argv, the environment or a file.
 */
export interface RenewerHandover {
  version: 1;
  /** The run's configuration; the secret ID source is kept only when it can be re-read. */
  config: Config;
  /** What prestart fetched and wrote, and its login (the token). Never its KvMounts object. */
  start: HandoverStart;
  stateFile: string;
  lockFile: string;
  logFile: string;
  logLevel: LogLevel;
  metricsAddr?: string;
}

export type HandoverStart = Pick<PrestartResult, 'login' | 'fetched' | 'certLifetimes' | 'files'>;

/** The renewer's one answer on fd 4: ready, or why it could not start. */
export type RenewerReport =
  | { ok: true; pid: number }
  | { ok: false; exitCode: number; code: string; message: string; details?: object };

/** A handover bigger than this is not one keyturn wrote (certs and secrets fit easily). */
export const MAX_HANDOVER_BYTES = 64 * 1024 * 1024;

/** The config the renewer may have: its auth method says what prestart spent (SPEC §6). */
export function renewerConfig(config: Config): Config {
  return { ...config, auth: authMethod(config.auth).forRenewer() };
}

/** Only what the renewer needs: prestart's result also holds live objects (mounts, a client). */
export function handoverStart(start: PrestartResult): HandoverStart {
  const { login, fetched, certLifetimes, files } = start;
  return { login, fetched, certLifetimes, files };
}

/**
 * Registers everything secret the handover carries with the renewer's redactor, as the
 * parent's was: the token, every secret value, every private key, literal credentials.
 */
export function registerHandoverSecrets(handover: RenewerHandover, redactor: Redactor): void {
  redactor.add(handover.start.login.token);
  for (const secret of handover.start.fetched?.secrets ?? []) redactor.addAll(secret?.data);
  for (const cert of handover.start.fetched?.certs ?? []) redactor.add(cert?.privateKey);
  for (const value of literalCredentials(handover.config.auth)) redactor.add(value);
}

/** JSON with byte arrays kept as bytes (file contents may be binary). */
export function encodeHandover(handover: RenewerHandover): string {
  return JSON.stringify(handover, (_key, value: unknown) =>
    value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString('base64') } : value,
  );
}

/** Parses and checks a handover; the message never quotes the input (it holds the token). */
export function decodeHandover(text: string): RenewerHandover {
  let value: unknown;
  try {
    // Exact like the client's parse: a big integer in secret data stays exact in the renewer.
    value = parseVaultJson(text, (_key, item: unknown) =>
      isBytes(item) ? new Uint8Array(Buffer.from(item.$bytes, 'base64')) : item,
    );
  } catch {
    throw handoverError(`not JSON (${text.length} bytes)`);
  }
  const handover = value as Partial<RenewerHandover> | null;
  if (handover?.version !== 1) throw handoverError('unknown version');
  if (typeof handover.start?.login?.token !== 'string') throw handoverError('no token');
  if (typeof handover.config !== 'object' || handover.config === null) {
    throw handoverError('no config');
  }
  for (const key of ['stateFile', 'lockFile', 'logFile', 'logLevel'] as const) {
    if (typeof handover[key] !== 'string') throw handoverError(`no ${key}`);
  }
  const { fetched, certLifetimes } = handover.start;
  // JSON turns the `undefined` of a certificate kept on disk into null; give it back.
  if (fetched) fetched.certs = fetched.certs.map((cert) => cert ?? undefined);
  if (certLifetimes) handover.start.certLifetimes = certLifetimes.map((l) => l ?? undefined);
  return handover as RenewerHandover;
}

/** One line on fd 4. */
export function encodeReport(report: RenewerReport): string {
  return `${JSON.stringify(report)}\n`;
}

/** The renewer's first line, or an error saying what came instead. */
export function decodeReport(line: string): RenewerReport {
  try {
    const value = JSON.parse(line) as RenewerReport;
    if (value.ok === true && typeof value.pid === 'number') return value;
    if (value.ok === false && typeof value.message === 'string') return value;
  } catch {
    // fall through: not a report
  }
  throw handoverError(`unexpected answer from the renewer (${line.length} bytes)`);
}

/** Turns a failure report back into the typed error, so the exit code is the renewer's. */
export function reportedError(report: Extract<RenewerReport, { ok: false }>): KeyturnError {
  return new KeyturnError(report.code, toExitCode(report.exitCode), report.message, {
    details: { ...report.details },
  });
}

/** What the renewer reports for an error it met before it was ready. */
export function failureReport(error: unknown): RenewerReport {
  if (error instanceof KeyturnError) {
    return {
      ok: false,
      exitCode: error.exitCode,
      code: error.code,
      message: error.message,
      details: error.details,
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { ok: false, exitCode: ExitCode.internal, code: 'internal', message };
}

function toExitCode(code: number): ExitCode {
  const known = Object.values(ExitCode) as number[];
  return (known.includes(code) ? code : ExitCode.internal) as ExitCode;
}

function isBytes(value: unknown): value is { $bytes: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $bytes?: unknown }).$bytes === 'string' &&
    Object.keys(value).length === 1
  );
}

function handoverError(what: string): KeyturnError {
  return new KeyturnError('handover', ExitCode.internal, `renewer handover: ${what}`);
}
