import { VaultHttpError } from './backend.ts';

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Go's time.Duration.String() for whole seconds: `0s`, `45s`, `10m0s`, `72h0m0s`. */
export function formatGoDuration(seconds: number): string {
  const total = Math.trunc(seconds);
  if (total === 0) return '0s';
  const sign = total < 0 ? '-' : '';
  const abs = Math.abs(total);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

/** Vault's sdk/framework humanDuration: Go's String() without zero parts (`1h`, `10m`, `1h5s`). */
export function humanDuration(seconds: number): string {
  let s = formatGoDuration(seconds);
  if (s === '0s') return s;
  if (s.endsWith('m0s')) s = s.slice(0, -2);
  const idx = s.indexOf('h0m');
  if (idx > 0) s = s.slice(0, idx + 1) + s.slice(idx + 3);
  return s;
}

/** Go's time.ParseDuration, in (possibly fractional) seconds; throws Go's error text. */
export function parseGoDuration(input: string): number {
  const fail = (): never => {
    throw new Error(`time: invalid duration ${JSON.stringify(input)}`);
  };
  let rest = input;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') fail();
  let total = 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match) return fail();
    total += Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
    rest = rest.slice(match[0].length);
  }
  return sign * total;
}

/**
 * Vault's parseutil.ParseDurationSecond: a number (seconds), a numeric string, `Nd` days, or
 * a Go duration; whole seconds, truncated.
 */
export function parseDurationSecond(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value !== 'string')
    throw new Error(`could not parse duration from input ${String(value)}`);
  const text = value.trim();
  if (text === '') return 0;
  if (/^-?\d+$/.test(text)) return Number(text);
  const days = /^(\d+)d$/.exec(text);
  if (days) return Number(days[1]) * 86400;
  return Math.trunc(parseGoDuration(text));
}

/**
 * ParseDurationSecond as engines' weakly typed fields read it (framework.FieldData): unset is
 * 0, signs are allowed, and fractions are kept (the caller truncates); undefined when it
 * cannot be parsed, so the caller picks its own error or fallback.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return 0;
  if (/^[-+]?\d+$/.test(text)) return Number(text);
  if (text.endsWith('d')) {
    const days = text.slice(0, -1);
    return /^[-+]?\d+$/.test(days) ? Number(days) * 86400 : undefined;
  }
  try {
    return parseGoDuration(text);
  } catch {
    return undefined;
  }
}

/** A request field holding a duration: 400 naming the field when it cannot be parsed. */
export function durationField(body: Record<string, unknown>, name: string, fallback = 0): number {
  const raw = body[name];
  if (raw === undefined || raw === null) return fallback;
  try {
    return parseDurationSecond(raw);
  } catch (error) {
    throw new VaultHttpError(400, [
      `error converting input ${String(raw)} for field "${name}": ${(error as Error).message}`,
    ]);
  }
}

/** Go's time.Format(time.RFC3339Nano) in UTC: fractional seconds with trailing zeros trimmed. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-01T00:00:00.120Z
  const [head, frac = ''] = iso.slice(0, -1).split('.');
  const trimmed = frac.replace(/0+$/, '');
  return trimmed === '' ? `${head}Z` : `${head}.${trimmed}Z`;
}
