import type { IncomingMessage } from 'node:http';
import { VaultHttpError } from './backend.ts';
import { parseDurationSecond } from './go-duration.ts';
import { LIST_STAND_IN } from './list-method-socket.ts';

/** One parsed API request as the core sees it. */
export interface VaultRequest {
  /** HTTP method as sent (`LIST` kept as `LIST`). */
  method: string;
  /** Path without `/v1/` and without the namespace prefix (what the client asked). */
  rawPath: string;
  /** The path routed and checked by ACLs: the namespace prefix applied, LIST with a trailing `/`. */
  path: string;
  namespace: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** Parse error of the body, reported only on routes that read one. */
  bodyError: string | null;
  token: string;
  /** `read` | `list` | `update` | `delete`; POST/PUT become `create` later when nothing exists. */
  operation: 'read' | 'list' | 'update' | 'delete' | 'head' | 'patch';
  wrapTtlSeconds: number;
  remoteAddress: string;
  headers: IncomingMessage['headers'];
}

/** Reads the whole body (small JSON documents only). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function operationOf(method: string, query: URLSearchParams): VaultRequest['operation'] {
  switch (method) {
    case 'GET':
      return query.get('list') === 'true' ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'DELETE':
      return 'delete';
    case 'HEAD':
      return 'head';
    case 'PATCH':
      return 'patch';
    default:
      return 'update';
  }
}

function tokenOf(headers: IncomingMessage['headers']): string {
  const vaultToken = headers['x-vault-token'];
  if (typeof vaultToken === 'string' && vaultToken !== '') return vaultToken;
  const authz = headers.authorization;
  if (typeof authz === 'string' && authz.startsWith('Bearer ')) return authz.slice(7).trim();
  return '';
}

/** X-Vault-Wrap-TTL: a Go duration or seconds; 400 with Vault's text when it is neither. */
function wrapTtlOf(headers: IncomingMessage['headers']): number {
  const raw = headers['x-vault-wrap-ttl'];
  if (typeof raw !== 'string' || raw === '') return 0;
  let seconds: number;
  try {
    seconds = parseDurationSecond(raw);
  } catch (error) {
    throw new VaultHttpError(400, [
      `error parsing X-Vault-Wrap-TTL header: ${(error as Error).message}`,
    ]);
  }
  if (seconds < 0) {
    throw new VaultHttpError(400, [
      'error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative',
    ]);
  }
  return seconds;
}

function parseBody(text: string): { body: Record<string, unknown>; error: string | null } {
  if (text.trim() === '') return { body: {}, error: null };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { body: {}, error: 'failed to parse JSON input: body is not a JSON object' };
    }
    return { body: parsed as Record<string, unknown>, error: null };
  } catch (error) {
    return { body: {}, error: `failed to parse JSON input: ${(error as Error).message}` };
  }
}

/**
 * Namespaces are modelled as path prefixes (see README note in index.ts): `X-Vault-Namespace:
 * ns1` turns `secret/data/x` into `ns1/secret/data/x`, except `sys/` and `auth/token/`, which
 * stay global because this server has one system backend and one token store.
 */
function applyNamespace(namespace: string, path: string): string {
  if (namespace === '' || path.startsWith('sys/') || path.startsWith('auth/token/')) return path;
  return `${namespace}/${path}`;
}

/** Builds the VaultRequest from the HTTP request (the URL must start with /v1/). */
export function parseVaultRequest(
  req: IncomingMessage,
  url: URL,
  bodyText: string,
): { request: VaultRequest; wrapTtl: () => number } {
  const sent = (req.method ?? 'GET').toUpperCase();
  const method = sent === LIST_STAND_IN ? 'LIST' : sent;
  const rawPath = decodeURIComponent(url.pathname.slice('/v1/'.length));
  const nsHeader = req.headers['x-vault-namespace'];
  const namespace = typeof nsHeader === 'string' ? nsHeader.replace(/^\/+|\/+$/g, '') : '';
  const operation = operationOf(method, url.searchParams);
  let path = applyNamespace(namespace, rawPath);
  if (operation === 'list' && !path.endsWith('/')) path += '/';
  const { body, error } = parseBody(bodyText);
  const request: VaultRequest = {
    method,
    rawPath,
    path,
    namespace,
    query: url.searchParams,
    body,
    bodyError: error,
    token: tokenOf(req.headers),
    operation,
    wrapTtlSeconds: 0,
    remoteAddress: req.socket.remoteAddress ?? '',
    headers: req.headers,
  };
  return { request, wrapTtl: () => wrapTtlOf(req.headers) };
}
