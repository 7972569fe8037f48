import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleApi } from './api-handler.ts';
import type { Clock } from './backend.ts';
import type { Core, StandbyMode } from './core.ts';
import { type FailNextOptions, Faults, faultResult } from './faults.ts';
import { HttpListener } from './http-listener.ts';
import { type LoggedRequest, logEntry, RequestLog, type WaitForOptions } from './request-log.ts';
import { type ClientResponse, type RequestOptions, sendRequest } from './test-client.ts';
import type { TlsMaterial } from './tls.ts';
import { parseVaultRequest, readBody } from './vault-request.ts';

/** Options for restart(): come back sealed, as a Shamir-sealed Vault does after a restart. */
export interface RestartOptions {
  sealed?: boolean;
}

/** A Vault-compatible test server: real HTTP, Vault's wire behaviour, and test controls. */
export class VaultServer {
  readonly core: Core;
  readonly clock: Clock;
  readonly log = new RequestLog();
  readonly #faults = new Faults();
  readonly #listener: HttpListener;
  readonly #tls: TlsMaterial | undefined;
  readonly #sweeper: NodeJS.Timeout;
  rootToken = '';
  #inFlight = 0;
  /** The most requests this server was serving at once (a client's concurrency bound). */
  maxInFlight = 0;
  /** Unseal keys (hex) of the current seal. */
  unsealKeys: string[] = [];

  constructor(core: Core, tls: TlsMaterial | undefined) {
    this.core = core;
    this.clock = core.clock;
    this.#tls = tls;
    this.#listener = new HttpListener(
      (req, res) => void this.#track(req, res),
      tls ? { cert: tls.serverCertPem, key: tls.serverKeyPem } : undefined,
    );
    core.onInit = (rootToken, keys) => {
      this.rootToken = rootToken;
      this.unsealKeys = keys;
    };
    // Why: leases must expire (and their onRevoke run) even when no request arrives.
    this.#sweeper = setInterval(() => {
      if (core.seal.initialized && !core.seal.sealed) core.sweep();
    }, 200);
    this.#sweeper.unref();
  }

  get addr(): string {
    return `${this.#tls ? 'https' : 'http'}://127.0.0.1:${this.#listener.port}`;
  }

  get port(): number {
    return this.#listener.port;
  }

  get caCertPem(): string | undefined {
    return this.#tls?.caCertPem;
  }

  get caCertFile(): string | undefined {
    return this.#tls?.caCertFile;
  }

  get requests(): LoggedRequest[] {
    return this.log.entries;
  }

  /** TCP connections accepted since the server started (keep-alive makes this small). */
  get connectionsAccepted(): number {
    return this.#listener.accepted;
  }

  async #track(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      await this.#serve(req, res);
    } finally {
      this.#inFlight -= 1;
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bodyText = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.#faults.latencyMs > 0) await sleep(this.#faults.latencyMs);
    if (!url.pathname.startsWith('/v1/')) {
      res
        .writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' })
        .end('404 page not found\n');
      return;
    }
    const { request, wrapTtl } = parseVaultRequest(req, url, bodyText);
    const fault = this.#faults.take(request.rawPath);
    const result = fault ? faultResult(fault) : await handleApi(this.core, request, wrapTtl);
    res.writeHead(result.status, result.headers);
    res.end(result.body ?? undefined);
    this.log.add(logEntry(request, url, result.status, bodyText, this.clock.now()));
  }

  /** Resolves with the first logged request matching `predicate` (see RequestLog.waitFor). */
  waitFor(
    predicate: (entry: LoggedRequest) => boolean,
    options?: WaitForOptions,
  ): Promise<LoggedRequest> {
    return this.log.waitFor(predicate, options);
  }

  seal(): void {
    this.core.seal.seal();
  }

  unseal(): void {
    this.core.seal.forceUnseal();
  }

  /** The next `count` requests (to `options.path`, if given) answer `status` with `{errors}`. */
  failNext(count: number, options: FailNextOptions): void {
    this.#faults.failNext(count, options);
  }

  /** Delays every response by `ms` of real time (0 to stop). */
  setLatency(ms: number): void {
    this.#faults.latencyMs = ms;
  }

  /**
   * sys/health answers as a standby (429), performance standby (473) or DR secondary (472).
   * Routed requests are still served, as a real standby forwards them to the active node;
   * simulate a failover gap with stop()/start() or failNext.
   */
  setStandby(mode: StandbyMode): void {
    this.core.standby = mode;
  }

  /** Closes the listener and destroys every connection: clients see "connection refused". */
  stop(): Promise<void> {
    return this.#listener.stop();
  }

  /** First listen (port 0 = any free port); later start() calls reuse the port. */
  async listen(port: number): Promise<void> {
    await this.#listener.start(port);
  }

  /** Listens again on the same port; all state is kept. */
  async start(): Promise<void> {
    if (!this.#listener.listening) await this.#listener.start();
  }

  /** stop() then start(); state is kept, and it comes back sealed with `{sealed: true}`. */
  async restart(options: RestartOptions = {}): Promise<void> {
    await this.stop();
    if (options.sealed) this.seal();
    await this.start();
  }

  /** Revokes a token (by id or accessor) with its children and leases; false if unknown. */
  revokeToken(tokenOrAccessor: string): boolean {
    const entry =
      this.core.tokens.lookup(tokenOrAccessor) ?? this.core.tokens.lookupAccessor(tokenOrAccessor);
    return entry ? this.core.tokens.revoke(entry.id) : false;
  }

  revokeLease(leaseId: string): boolean {
    return this.core.leases.revoke(leaseId);
  }

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

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await this.#listener.stop();
    await this.#tls?.cleanup();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
