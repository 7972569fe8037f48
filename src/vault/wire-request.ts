import { UsageError } from '../errors/keyturn-error.ts';
import type { VaultMethod } from './types.ts';

export interface VaultRequestOptions {
  token?: string;
  body?: unknown;
  query?: Record<string, string>;
  /** Ask Vault to wrap the answer (`120s` or seconds): sent as X-Vault-Wrap-TTL. */
  wrapTtl?: string;
  signal?: AbortSignal;
  /** Extra headers; they cannot replace the ones the client sets itself. */
  headers?: Record<string, string>;
}

export interface WireRequest {
  url: URL;
  /** What goes on the wire: LIST becomes GET (with `list=true` in the query). */
  wireMethod: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface WireSettings {
  /** The address, any trailing slash removed; its path is a prefix before `/v1/`. */
  base: URL;
  namespace?: string;
  userAgent: string;
}

/** Encodes each segment; `.`/`..` are refused so a configured path cannot climb out of its mount. */
function encodePath(path: string): string {
  const segments = path.replace(/^\/+/, '').split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new UsageError(`Vault path "${path}" must not contain "." or ".." segments`);
  }
  return segments.map(encodeURIComponent).join('/');
}

function payloadOf(method: VaultMethod, body: unknown): Buffer | undefined {
  if (body !== undefined) return Buffer.from(JSON.stringify(body));
  // An explicit empty body: Node would otherwise send a chunked POST.
  return method === 'POST' || method === 'PUT' ? Buffer.alloc(0) : undefined;
}

/** Turns a call into URL, method, headers and body exactly as they go on the wire. */
export function buildWireRequest(
  settings: WireSettings,
  method: VaultMethod,
  path: string,
  opts: VaultRequestOptions,
): WireRequest {
  const prefix = settings.base.pathname.replace(/\/+$/, '');
  const url = new URL(`${settings.base.origin}${prefix}/v1/${encodePath(path)}`);
  for (const [key, value] of Object.entries(opts.query ?? {})) url.searchParams.set(key, value);
  // Vault's Go client sends LIST as `GET ?list=true` "for broader compatibility": proxies and
  // Node-based servers (llhttp) reject the LIST method outright.
  if (method === 'LIST') url.searchParams.set('list', 'true');
  const body = payloadOf(method, opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  headers['User-Agent'] = settings.userAgent;
  headers['X-Vault-Request'] = 'true';
  if (opts.token !== undefined) headers['X-Vault-Token'] = opts.token;
  if (settings.namespace) headers['X-Vault-Namespace'] = settings.namespace;
  if (opts.wrapTtl !== undefined) headers['X-Vault-Wrap-TTL'] = opts.wrapTtl;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (body !== undefined) headers['Content-Length'] = String(body.length);
  const wire: WireRequest = { url, wireMethod: method === 'LIST' ? 'GET' : method, headers };
  if (body !== undefined) wire.body = body;
  return wire;
}
