import { VaultDataError } from '../errors/keyturn-error.ts';
import { valueText } from './value-text.ts';

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Docker's env_file reader (bufio.Scanner) fails on a line longer than 64 KiB. */
const dockerMaxLineBytes = 64 * 1024;

/** `export KEY='value'` lines that a POSIX shell can `source`: inside single quotes nothing is special but `'` itself. */
export function renderEnv(data: Record<string, unknown>, source: string): string {
  let out = '';
  for (const [key, raw] of Object.entries(data)) {
    assertVariableName(key, source);
    const value = valueText(raw);
    if (value.includes('\0'))
      refuseValue(source, key, 'contains a NUL byte, which no environment variable can hold');
    out += `export ${key}='${value.replaceAll("'", `'\\''`)}'\n`;
  }
  return out;
}

/**
 * `KEY=value` lines as `docker run --env-file` reads them: everything after the first `=` up
 * to the end of the line, verbatim (no quoting exists), so a value cannot span lines.
 */
export function renderDockerEnv(data: Record<string, unknown>, source: string): string {
  let out = '';
  for (const [key, raw] of Object.entries(data)) {
    assertVariableName(key, source);
    const value = valueText(raw);
    if (/[\n\r]/.test(value))
      refuseValue(
        source,
        key,
        'contains a line break, which docker-env cannot express (use format: env)',
      );
    if (value.includes('\0'))
      refuseValue(source, key, 'contains a NUL byte, which no environment variable can hold');
    // Lone UTF-16 surrogates would be written as U+FFFD, changing the value.
    if (!value.isWellFormed()) refuseValue(source, key, 'is not valid Unicode');
    const line = `${key}=${value}\n`;
    if (Buffer.byteLength(line) > dockerMaxLineBytes)
      refuseValue(source, key, "is longer than Docker's 64 KiB line limit");
    out += line;
  }
  return out;
}

/** Refuses a key that a shell or Docker would not take as a variable name; names the key, which is not secret. */
function assertVariableName(key: string, source: string): void {
  if (!variableName.test(key)) {
    throw new VaultDataError(
      `${source}: key ${JSON.stringify(key)} is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)`,
      { details: { source, key } },
    );
  }
}

function refuseValue(source: string, key: string, why: string): never {
  throw new VaultDataError(`${source}: the value of key ${JSON.stringify(key)} ${why}`, {
    details: { source, key },
  });
}
