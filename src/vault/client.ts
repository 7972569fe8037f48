import { UsageError, VaultDataError } from '../errors/keyturn-error.ts';
import type { Redactor } from '../log/redactor.ts';
import { VaultResponseError } from './errors.ts';
import { type ExchangeResult, exchange } from './http-exchange.ts';
import { nodeHttp, nodeHttps } from './node-http.ts';
import { parseVaultResponse } from './parse-response.ts';
import { parseVaultJson } from './parse-vault-json.ts';
import { registerSecrets } from './register-secrets.ts';
import { parseRetryAfterMs } from './retry-after.ts';
import { loadTlsOptions, type VaultTlsOptions } from './tls-options.ts';
import type { RawVaultResponse, VaultMethod, VaultResponse } from './types.ts';
import { buildWireRequest, type VaultRequestOptions } from './wire-request.ts';

export type { VaultRequestOptions } from './wire-request.ts';

/** The two pino methods the client uses; a pino Logger fits. */
export interface VaultLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface VaultClientOptions {
  /** `http(s)://host:port`, optionally with a path prefix before `/v1/`. */
  address: string;
  namespace?: string;
  tls?: VaultTlsOptions;
  /** Per request, covering connect, headers and body. */
  timeoutMs: number;
  /** Open connections at most (default 16). */
  maxSockets?: number;
  redactor: Redactor;
  userAgent?: string;
  logger?: VaultLogger;
  /**
   * Default true: credentials found in bodies (`password`, `token`, ...) are registered with
   * the redactor. Backup and restore pass false: they move thousands of secrets they never
   * print, and registering each would make memory and every printed line's redaction grow
   * with the count; they mask one secret's values in its errors instead (scrub-values.ts).
   */
  registerBodySecrets?: boolean;
}

export interface VaultClient {
  readonly address: string;
  /** A wrapped endpoint; undefined for 204. Throws VaultResponseError (status ≥ 300), VaultTransportError, VaultDataError. */
  request<T = unknown>(
    method: VaultMethod,
    path: string,
    opts?: VaultRequestOptions,
  ): Promise<VaultResponse<T> | undefined>;
  /** A raw-JSON endpoint (sys/health, seal-status, init, unseal): any status whose body is not `{"errors": …}` is returned. */
  raw<T = unknown>(
    method: VaultMethod,
    path: string,
    opts?: VaultRequestOptions,
  ): Promise<RawVaultResponse<T>>;
  /** Destroys the keep-alive sockets so the process can exit at once. */
  close(): void;
}

interface Answer {
  method: VaultMethod;
  path: string;
  status: number;
  /** Parsed body; undefined when empty or not JSON. */
  json: unknown;
  isJson: boolean;
  /** The body is Vault's `{"errors": [...]}` envelope. */
  isErrorEnvelope: boolean;
  result: ExchangeResult;
}

function parseAddress(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new UsageError(`address "${address}" is not a URL (expected https://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`address "${address}" must start with http:// or https://`);
  }
  return url;
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${name} must be a positive number, got ${String(value)}`);
  }
}

/** Creates keyturn's Vault client: one keep-alive agent, TLS files read now, every credential registered for redaction. */
export function createVaultClient(options: VaultClientOptions): VaultClient {
  const base = parseAddress(options.address);
  checkPositive('timeoutMs', options.timeoutMs);
  const maxSockets = options.maxSockets ?? 16;
  checkPositive('maxSockets', maxSockets);
  const tls = base.protocol === 'https:' ? loadTlsOptions(options.tls) : undefined;
  // Keep-alive: keyturn makes a burst of calls at start (lookup, unwrap, login, reads):
  // one TCP and TLS handshake for all of them instead of one each.
  const agent = tls
    ? new (nodeHttps().Agent)({ keepAlive: true, maxSockets, ...tls })
    : new (nodeHttp().Agent)({ keepAlive: true, maxSockets });
  const settings = {
    base,
    userAgent: options.userAgent ?? 'keyturn',
    ...(options.namespace ? { namespace: options.namespace } : {}),
  };

  async function send(method: VaultMethod, path: string, opts: VaultRequestOptions = {}) {
    options.redactor.add(opts.token); // first, so no later failure can quote it unmasked
    const registerBodies = options.registerBodySecrets !== false;
    if (registerBodies) registerSecrets(opts.body, options.redactor);
    const wire = buildWireRequest(settings, method, path, opts);
    const started = performance.now();
    const result = await exchange({
      ...wire,
      method,
      path,
      agent,
      timeoutMs: options.timeoutMs,
      ...(tls?.servername === undefined ? {} : { servername: tls.servername }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const answer = decode(method, path, result);
    if (registerBodies) registerSecrets(answer.json, options.redactor);
    options.logger?.debug(
      { method, path, status: result.status, durationMs: Math.round(performance.now() - started) },
      'vault request',
    );
    return answer;
  }

  return {
    address: base.href,
    async request<T>(method: VaultMethod, path: string, opts?: VaultRequestOptions) {
      const answer = await send(method, path, opts);
      if (answer.status === 204) return undefined;
      if (answer.status < 200 || answer.status >= 300)
        throw toResponseError(answer, options.redactor);
      const response = parseVaultResponse<T>(answer.json);
      if (!response) throw notJson(answer);
      return response;
    },
    async raw<T>(method: VaultMethod, path: string, opts?: VaultRequestOptions) {
      const answer = await send(method, path, opts);
      if (answer.status >= 400 && (answer.isErrorEnvelope || !answer.isJson)) {
        throw toResponseError(answer, options.redactor);
      }
      if (!answer.isJson && answer.result.body.length > 0) throw notJson(answer);
      return { status: answer.status, body: answer.json as T | undefined };
    },
    close() {
      agent.destroy();
    },
  };
}

/** Parses the body as JSON without ever quoting it: a parser's message would echo secrets. */
function decode(method: VaultMethod, path: string, result: ExchangeResult): Answer {
  let json: unknown;
  let isJson = false;
  if (result.body.length > 0) {
    try {
      json = parseVaultJson(result.body.toString('utf8'));
      isJson = true;
    } catch {
      // leave json undefined: callers report "not JSON" without the text
    }
  }
  const isErrorEnvelope = Array.isArray((json as { errors?: unknown } | null | undefined)?.errors);
  return { method, path, status: result.status, json, isJson, isErrorEnvelope, result };
}

function notJson(answer: Answer): VaultDataError {
  return new VaultDataError(
    `Vault answered ${answer.method} ${answer.path} with ${answer.status} but no JSON object`,
    { details: { method: answer.method, path: answer.path, status: answer.status } },
  );
}

/** Vault's error texts pass the redactor before they are stored: they can quote a secret ID. */
function toResponseError(answer: Answer, redactor: Redactor): VaultResponseError {
  const { json, isJson, isErrorEnvelope } = answer;
  const texts = isErrorEnvelope ? ((json as { errors: unknown[] }).errors ?? []) : [];
  const retryAfterMs = parseRetryAfterMs(answer.result.headers['retry-after'], Date.now());
  return new VaultResponseError({
    method: answer.method,
    path: answer.path,
    status: answer.status,
    errors: texts.map((text) => redactor.redact(String(text))),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(isJson && !isErrorEnvelope ? { body: json } : {}),
    ...(isJson
      ? {}
      : { note: answer.result.body.length > 0 ? 'the answer is not JSON' : 'empty answer' }),
  });
}
