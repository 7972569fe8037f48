/**
 * File modes are written as quoted octal strings ("0400", "640"). A YAML number is refused
 * rather than guessed at: YAML 1.2 (what the `yaml` library reads) takes `0400` as decimal
 * 400, YAML 1.1 (PyYAML, Go's yaml.v2) takes it as octal 256, and a mode silently read the
 * wrong way round would leave a secret world-readable.
 */
const OCTAL = /^[0-7]+$/;

/** The widest mode keyturn writes: setuid, setgid and sticky make no sense on a secret file. */
const MAX_MODE = 0o777;

export type ModeResult = { ok: true; mode: number } | { ok: false; message: string };

/** Checks a mode as written in the config and returns it as a number, or says why not. */
export function tryParseFileMode(value: unknown): ModeResult {
  if (typeof value === 'number') {
    return {
      ok: false,
      message: `expected a quoted octal string like "0400", got the number ${value} (a YAML number is ambiguous: 0400 is 400 in YAML 1.2 but 256 in YAML 1.1)`,
    };
  }
  if (typeof value !== 'string') {
    return {
      ok: false,
      message: `expected a quoted octal string like "0400", got ${typeof value}`,
    };
  }
  if (!OCTAL.test(value) || value.length < 3 || value.length > 4) {
    return {
      ok: false,
      message: `expected 3 or 4 octal digits like "0400" or "640", got "${value}"`,
    };
  }
  const mode = Number.parseInt(value, 8);
  if (mode > MAX_MODE) {
    return {
      ok: false,
      message: `mode "${value}" sets setuid, setgid or sticky bits, which keyturn refuses (at most "0777")`,
    };
  }
  return { ok: true, mode };
}

/** Parses a mode already validated by the schema; throws on a bad one (a programming error). */
export function parseFileMode(value: string): number {
  const result = tryParseFileMode(value);
  if (!result.ok) throw new TypeError(result.message);
  return result.mode;
}

/** Formats a mode for messages: 0o640 → "0640". */
export function formatFileMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** True when `mode` grants any permission that `limit` does not (0640 is wider than 0600). */
export function isWiderThan(mode: number, limit: number): boolean {
  return (mode & ~limit) !== 0;
}
