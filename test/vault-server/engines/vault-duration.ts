/** Vault's duration syntax on the wire: TTL fields and KV v1's `ttl` hint. */

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

/** Go's `time.ParseDuration` in seconds (`1h30m`, `1.5s`), or undefined when malformed. */
function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!match) return text === '0' ? 0 : undefined;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_SECONDS[part[2] ?? ''] ?? 0);
  }
  return match[1] === '-' ? -total : total;
}

/**
 * Vault's `parseutil.ParseDurationSecond`: a number is seconds, a digit string is seconds,
 * `7d` is days, anything else is a Go duration. Undefined when it cannot be parsed.
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
  return parseGoDuration(text);
}

/** Go's `time.Duration.String()` for whole seconds: `0s`, `45s`, `10m0s`, `72h0m0s`. */
export function formatGoDuration(totalSeconds: number): string {
  const seconds = Math.trunc(totalSeconds);
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const hours = Math.floor(abs / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  const rest = abs % 60;
  if (hours > 0) return `${sign}${hours}h${minutes}m${rest}s`;
  if (minutes > 0) return `${sign}${minutes}m${rest}s`;
  return `${sign}${rest}s`;
}

/** Go's RFC3339Nano in UTC (trailing fractional zeros dropped), as Vault prints timestamps. */
export function rfc3339Nano(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_all, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}
