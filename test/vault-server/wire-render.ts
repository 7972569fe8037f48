import type { VaultHttpError } from './backend.ts';
import type { Core } from './core.ts';
import type { VaultRequest } from './vault-request.ts';
import { type CoreResponse, errorsJson, type WrapperFields, wrapperJson } from './wire-response.ts';

export interface ApiResult {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };

function json(status: number, text: string | null): ApiResult {
  // Go's json.Encoder ends every document with a newline.
  return { status, headers: { ...JSON_HEADERS }, body: text === null ? null : `${text}\n` };
}

/** Vault's HTTPSysInjector applies to everything served under /v1/sys/. */
function injects(req: VaultRequest): boolean {
  return req.rawPath.startsWith('sys/');
}

const WRAPPER_KEYS = new Set([
  'request_id',
  'lease_id',
  'renewable',
  'lease_duration',
  'data',
  'wrap_info',
  'warnings',
  'auth',
  'mount_type',
]);

/**
 * The body of an error that carries one (KV v2's deleted version): an object with `request_id`
 * is sent as is; one made only of wrapper keys is completed into a wrapper; anything else is
 * taken as the wrapper's `data`.
 */
function errorBody(
  error: VaultHttpError,
  req: VaultRequest,
  requestId: string,
  mountType: string,
): string {
  const body = error.body;
  if (body && typeof body === 'object' && 'request_id' in body) return JSON.stringify(body);
  const isPartial =
    body && typeof body === 'object' && Object.keys(body).every((k) => WRAPPER_KEYS.has(k));
  const partial = (isPartial ? body : { data: body }) as Record<string, unknown>;
  const fields: WrapperFields = {
    data: partial.data ?? null,
    mountType: typeof partial.mount_type === 'string' ? partial.mount_type : mountType,
    ...(Array.isArray(partial.warnings) ? { warnings: partial.warnings as string[] } : {}),
  };
  return wrapperJson(requestId, fields, null, injects(req));
}

export function renderError(
  error: VaultHttpError,
  req: VaultRequest,
  requestId: string,
  mountType: string,
): ApiResult {
  const result =
    error.body !== undefined
      ? json(error.status, errorBody(error, req, requestId, mountType))
      : json(error.status, errorsJson(error.errors));
  if (req.method === 'HEAD') result.body = null;
  return result;
}

/** Turns a handler's answer into status, headers and body, wrapping it when X-Vault-Wrap-TTL asked. */
export function renderResponse(
  core: Core,
  req: VaultRequest,
  requestId: string,
  response: CoreResponse,
): ApiResult {
  switch (response.kind) {
    case 'noContent':
      return json(204, null);
    case 'raw':
      return json(response.status, response.body === null ? null : JSON.stringify(response.body));
    case 'rawText':
      return json(response.status, response.text.replace(/\n$/, ''));
    case 'rawBody':
      return {
        status: response.status,
        headers: { 'Content-Type': response.contentType, 'Cache-Control': 'no-store' },
        body: response.body,
      };
  }
  const fields = response.fields;
  const text = wrapperJson(requestId, fields, null, injects(req));
  const status = fields.status ?? 200;
  if (req.wrapTtlSeconds <= 0 || status !== 200) return json(status, text);
  const wrapInfo = core.wrapping.wrap(
    text,
    req.rawPath.replace(/\/$/, ''),
    req.wrapTtlSeconds,
    fields.wrappedAccessor,
  );
  return json(200, wrapperJson('', { mountType: '' }, wrapInfo, false));
}
