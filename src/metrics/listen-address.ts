import { UsageError } from '../errors/keyturn-error.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `--metrics-addr`: `host:port`, `[v6]:port` or `:port` (all interfaces, like
 * Prometheus exporters). Port 0 picks a free port (tests).
 */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65_535) {
    throw new UsageError(
      `--metrics-addr must be HOST:PORT, [IPv6]:PORT or :PORT (port 0–65535), got \`${text}\``,
    );
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}
