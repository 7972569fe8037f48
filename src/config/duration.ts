import parse from 'parse-duration';
import { UsageError } from '../errors/keyturn-error.ts';

/**
 * Vault's duration syntax (go-secure-stdlib parseutil.ParseDurationSecond), checked strictly
 * before `parse-duration` does the arithmetic, because that library also accepts prose such
 * as "1 week" or "2 years" that Vault would refuse:
 * - a bare integer (YAML number or digit string) is seconds;
 * - `<integer>d` is days (Vault accepts only this one form with `d`: no "1d12h");
 * - otherwise Go's time.ParseDuration: one or more `<number><unit>` with units
 *   ns, us, µs, μs, ms, s, m, h (`1h30m`, `1.5h`, `250ms`).
 * Signs are refused: no keyturn duration may be negative.
 */
const SECONDS = /^[0-9]+$/;
const DAYS = /^[0-9]+d$/;
// The micro signs are escaped: one non-ASCII character in the bundle makes V8 hold all
// of its source as two bytes a character (+0.7 MiB resident, measured in bench/).
const GO_DURATION = /^(?:(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/;

/** The same syntax for JSON Schema `pattern` (editors flag a bad duration as you type). */
export const DURATION_PATTERN =
  '^([0-9]+|[0-9]+d|(([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$';

/** Go's time.Duration is an int64 of nanoseconds: about 292 years is the longest Vault accepts. */
const MAX_MS = Math.floor(2 ** 63 / 1e6);

const EXPECTED = 'expected a duration like 90s, 1h30m, 250ms, 7d or a number of seconds';

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

/** Parses a Vault duration to whole milliseconds, or says why it is not one (value included). */
export function tryParseDuration(value: unknown): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      return { ok: false, message: `${EXPECTED}, got ${value} (a number must be whole seconds)` };
    }
    return checkRange(value * 1000, String(value));
  }
  if (typeof value !== 'string') return { ok: false, message: `${EXPECTED}, got ${typeof value}` };
  if (SECONDS.test(value)) return checkRange(Number(value) * 1000, value);
  if (DAYS.test(value)) return checkRange(Number(value.slice(0, -1)) * 86_400_000, value);
  if (!GO_DURATION.test(value)) {
    const hint = value.startsWith('-') ? ' (durations cannot be negative)' : '';
    return { ok: false, message: `${EXPECTED}, got "${value}"${hint}` };
  }
  // parse-duration knows µ (U+00B5) only; Go also accepts the Greek μ (U+03BC).
  const ms = parse(value.replaceAll('\u03bc', '\u00b5'), 'ms') ?? Number.NaN;
  return checkRange(Math.round(ms), value);
}

function checkRange(ms: number, shown: string): DurationResult {
  if (!Number.isFinite(ms) || ms > MAX_MS) {
    return {
      ok: false,
      message: `duration "${shown}" is too long (Vault's limit is about 292 years)`,
    };
  }
  return { ok: true, ms };
}

/** Parses a Vault duration to milliseconds; a bad one is a UsageError quoting it (durations are not secret). */
export function parseDuration(value: string | number): number {
  const result = tryParseDuration(value);
  if (!result.ok) throw new UsageError(result.message);
  return result.ms;
}

const UNITS: [suffix: string, ms: number][] = [
  ['h', 3_600_000],
  ['m', 60_000],
];

/** Formats milliseconds the way Vault prints durations, without zero parts: `1h30m`, `72h`, `1.5s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${ms}ms`;
  let rest = ms;
  let text = '';
  for (const [suffix, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${suffix}`;
    rest -= count * size;
  }
  if (rest > 0) text += `${Number((rest / 1000).toFixed(3))}s`;
  return text;
}
