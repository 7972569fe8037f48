import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { UsageError } from '../errors/keyturn-error.ts';
import { VaultTransportError } from './errors.ts';
import { nodeHttp, nodeHttps } from './node-http.ts';
import { classifyTransportCode, type TransportFailure } from './transport-failure.ts';
import type { VaultMethod } from './types.ts';

/** Far above any Vault answer (Vault's own request limit is 32 MiB); stops a runaway peer. */
const maxBodyBytes = 32 * 1024 * 1024;

export interface Exchange {
  url: URL;
  /** The method as sent on the wire (LIST has already become GET). */
  wireMethod: string;
  /** Method and path as the caller named them, for error messages. */
  method: VaultMethod;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  agent: Agent;
  servername?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExchangeResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The keep-alive pool handed over an already open socket. */
  reusedSocket: boolean;
}

/** Marks `established` once the (secure) connection is up: only then can Node write request bytes. */
function watchConnection(socket: Socket, onEstablished: () => void): void {
  if (!socket.connecting) {
    onEstablished(); // a kept-alive socket, connected long ago
    return;
  }
  // A TLS socket is up at `secureConnect`; telling it by shape keeps node:tls unloaded for http://.
  const secure = typeof (socket as Partial<TLSSocket>).getPeerCertificate === 'function';
  socket.once(secure ? 'secureConnect' : 'connect', onEstablished);
}

function openRequest(ex: Exchange): ClientRequest {
  try {
    return (ex.url.protocol === 'https:' ? nodeHttps() : nodeHttp()).request(ex.url, {
      method: ex.wireMethod,
      headers: ex.headers,
      agent: ex.agent,
      ...(ex.servername === undefined ? {} : { servername: ex.servername }),
    });
  } catch (error) {
    // Node refuses e.g. a header value with a newline before sending anything; its message names the header only.
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot send ${ex.method} ${ex.path}: ${reason}`, { cause: error });
  }
}

/** Collects the whole body; a body cut short is a reset, an oversized one a protocol error. */
function readAnswer(
  res: IncomingMessage,
  onBody: (body: Buffer) => void,
  onError: (cause: unknown, kind?: TransportFailure) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes)
      onError(new Error(`answer larger than ${maxBodyBytes} bytes`), 'protocol');
    else chunks.push(chunk);
  });
  res.on('error', (cause) => onError(cause));
  res.on('close', () => {
    if (!res.complete)
      onError(Object.assign(new Error('answer cut short'), { code: 'ECONNRESET' }));
  });
  res.on('end', () => onBody(Buffer.concat(chunks)));
}

/**
 * One HTTP exchange with a deadline covering connect, headers and body. Failures become
 * VaultTransportError with `mayHaveReachedVault` = whether a connection was ever up; an
 * abort rejects with the signal's reason untouched.
 */
export async function exchange(ex: Exchange): Promise<ExchangeResult> {
  ex.signal?.throwIfAborted();
  const req = openRequest(ex);
  return new Promise((resolve, reject) => {
    let established = false;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ex.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown) =>
      settle(() => {
        req.destroy(); // never hand a half-used socket back to the pool
        reject(error);
      });
    const failTransport = (cause: unknown, kind?: TransportFailure, reason?: string) =>
      fail(
        new VaultTransportError({
          method: ex.method,
          path: ex.path,
          origin: ex.url.origin,
          kind: kind ?? classifyTransportCode((cause as NodeJS.ErrnoException | undefined)?.code),
          mayHaveReachedVault: established,
          cause,
          ...(reason === undefined ? {} : { reason }),
        }),
      );
    const onAbort = () => fail(ex.signal?.reason);
    // One deadline for connect + headers + body: a Vault that accepts and then stalls must not hang start-up.
    const timer = setTimeout(() => {
      const phase = established ? 'no complete answer' : 'no connection';
      failTransport(undefined, 'timeout', `${phase} within ${ex.timeoutMs} ms`);
    }, ex.timeoutMs);
    ex.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => watchConnection(socket, () => (established = true)));
    req.on('error', (cause) => failTransport(cause));
    req.on('response', (res: IncomingMessage) =>
      readAnswer(
        res,
        (body) =>
          settle(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body,
              reusedSocket: req.reusedSocket,
            }),
          ),
        failTransport,
      ),
    );
    req.end(ex.body);
  });
}
