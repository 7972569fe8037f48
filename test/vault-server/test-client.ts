import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RequestOptions {
  /** X-Vault-Token; `null` sends none. */
  token?: string | null;
  /** JSON-encoded as the body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent verbatim instead of `body` (for malformed-input tests). */
  rawBody?: string;
}

export interface ClientResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or null for an empty body. */
  // biome-ignore lint/suspicious/noExplicitAny: tests index into arbitrary Vault JSON.
  body: any;
  /** The body exactly as sent (for key-order and byte-level assertions). */
  text: string;
}

/** A minimal HTTP(S) client for tests: any method (LIST too), the test CA trusted. */
export function sendRequest(
  addr: string,
  method: string,
  path: string,
  options: RequestOptions & { ca?: string },
): Promise<ClientResponse> {
  const url = new URL(`/v1/${path.replace(/^\/+/, '').replace(/^v1\//, '')}`, addr);
  const payload =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['X-Vault-Token'] = options.token;
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, ...(options.ca ? { ca: options.ca } : {}), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = null;
          if (text.trim() !== '') {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Request helpers over real HTTP for a server or cluster node; the token defaults to its root token. */
export abstract class TestClient {
  abstract get addr(): string;
  abstract get rootToken(): string;
  abstract get caCertPem(): string | undefined;

  /** Sends a real HTTP request; token defaults to the root token (`null` for none). */
  request(method: string, path: string, options: RequestOptions = {}): Promise<ClientResponse> {
    const token = options.token === undefined ? this.rootToken : options.token;
    return sendRequest(this.addr, method, path, {
      ...options,
      token,
      ...(this.caCertPem ? { ca: this.caCertPem } : {}),
    });
  }

  write(path: string, body: unknown = {}, token?: string | null): Promise<ClientResponse> {
    return this.request('PUT', path, { body, ...(token !== undefined ? { token } : {}) });
  }

  read(path: string, token?: string | null): Promise<ClientResponse> {
    return this.request('GET', path, token !== undefined ? { token } : {});
  }

  list(path: string, token?: string | null): Promise<ClientResponse> {
    return this.request('LIST', path, token !== undefined ? { token } : {});
  }

  delete(path: string, token?: string | null): Promise<ClientResponse> {
    return this.request('DELETE', path, token !== undefined ? { token } : {});
  }
}
