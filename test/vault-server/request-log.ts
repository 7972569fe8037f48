import { EventEmitter } from 'node:events';
import type { VaultRequest } from './vault-request.ts';

/** One request as the test server saw it. */
export interface LoggedRequest {
  method: string;
  /** Path without `/v1/` (and without the query string). */
  path: string;
  query: Record<string, string>;
  status: number;
  /** Parsed JSON body (`{}` when none). */
  body: Record<string, unknown>;
  /** Was an X-Vault-Token or Authorization: Bearer header sent? */
  tokenSent: boolean;
  namespace: string;
  wrapTtl: string | null;
  /** Server clock (ms) when the response was sent. */
  time: number;
}

export interface WaitForOptions {
  timeoutMs?: number;
}

/** One line per request: `PUT auth/token/renew-self → 200` (no bodies, no tokens). */
export function describeRequest(entry: LoggedRequest): string {
  const query = new URLSearchParams(entry.query).toString();
  return `${entry.method} ${entry.path}${query ? `?${query}` : ''} → ${entry.status}`;
}

/** Every request, in order, with an event-driven waitFor for tests. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  readonly #events = new EventEmitter();

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    this.#events.emit('request', entry);
  }

  /** Calls `listener` for every request from now on (main.ts prints them with --log-requests). */
  onRequest(listener: (entry: LoggedRequest) => void): void {
    this.#events.on('request', listener);
  }

  clear(): void {
    this.entries.length = 0;
  }

  /**
   * Resolves with the first request (already logged or to come) matching `predicate`; rejects
   * after `timeoutMs` (default 5000) listing the recent requests, so a failing test says why.
   */
  waitFor(
    predicate: (entry: LoggedRequest) => boolean,
    options: WaitForOptions = {},
  ): Promise<LoggedRequest> {
    const found = this.entries.find(predicate);
    if (found) return Promise.resolve(found);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const onRequest = (entry: LoggedRequest) => {
        if (!predicate(entry)) return;
        cleanup();
        resolve(entry);
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.entries.slice(-20).map(describeRequest).join('\n  ');
        reject(
          new Error(
            `waitFor: no matching request within ${timeoutMs} ms; recent requests:\n  ${recent || '(none)'}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#events.off('request', onRequest);
      };
      this.#events.on('request', onRequest);
    });
  }
}

function bodyOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    return isObject ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The log entry for one answered request. */
export function logEntry(
  request: VaultRequest,
  url: URL,
  status: number,
  bodyText: string,
  time: number,
): LoggedRequest {
  const wrapHeader = request.headers['x-vault-wrap-ttl'];
  return {
    method: request.method,
    path: request.rawPath,
    query: Object.fromEntries(url.searchParams),
    status,
    body: bodyOf(bodyText),
    tokenSent: request.token !== '',
    namespace: request.namespace,
    wrapTtl: typeof wrapHeader === 'string' ? wrapHeader : null,
    time,
  };
}
