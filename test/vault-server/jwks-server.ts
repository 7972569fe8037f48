import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwksDocument, type SigningKey } from './jwt-fixture.ts';

/**
 * A tiny OIDC issuer for tests: `GET /jwks` serves the current keys and
 * `GET /.well-known/openid-configuration` names `issuer` (= `url`) and `jwks_uri`. Port 0 on
 * loopback; dispose with `await using`.
 */
export class JwksServer {
  readonly #server: Server;
  /** Keys served now (replace the array to rotate). */
  keys: SigningKey[];
  /** When set, both endpoints answer this status with a plain-text body. */
  failStatus: number | null = null;
  /** Overrides the discovery document's `issuer` (to test the mismatch refusal). */
  issuerOverride: string | null = null;
  /** Paths requested, in order. */
  readonly requests: string[] = [];

  constructor(keys: SigningKey[]) {
    this.keys = keys;
    this.#server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.requests.push(path);
      const body = this.#answer(path);
      if (!body) {
        res
          .writeHead(this.failStatus ?? 404, { 'Content-Type': 'text/plain' })
          .end(this.failStatus ? 'unavailable' : 'not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
  }

  #answer(path: string): unknown {
    if (this.failStatus !== null) return null;
    if (path === '/jwks') return jwksDocument(...this.keys);
    if (path === '/.well-known/openid-configuration')
      return {
        issuer: this.issuerOverride ?? this.url,
        jwks_uri: this.jwksUrl,
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      };
    return null;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  /** The issuer / discovery URL (no trailing slash). */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get jwksUrl(): string {
    return `${this.url}/jwks`;
  }

  /** How many times the key set was fetched. */
  get jwksFetches(): number {
    return this.requests.filter((p) => p === '/jwks').length;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Starts a JWKS/discovery server serving `keys`. */
export async function startJwksServer(...keys: SigningKey[]): Promise<JwksServer> {
  const server = new JwksServer(keys);
  await server.listen();
  return server;
}
