import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleApi } from './api-handler.ts';
import type { Clock } from './backend.ts';
import type { ClusterNode } from './cluster-node.ts';
import type { Core, StandbyMode } from './core.ts';
import { type FailNextOptions, Faults, faultResult } from './faults.ts';
import { HttpListener } from './http-listener.ts';
import { type LoggedRequest, logEntry, RequestLog, type WaitForOptions } from './request-log.ts';
import { sealNode } from './seal-routes.ts';
import { TestClient } from './test-client.ts';
import type { TlsMaterial } from './tls.ts';
import { parseVaultRequest, readBody } from './vault-request.ts';

/** Options for restart(): come back sealed, as a Shamir-sealed Vault does after a restart. */
export interface RestartOptions {
  sealed?: boolean;
}

/**
 * A Vault-compatible test server — or one node of a test cluster (see VaultCluster): real HTTP,
 * Vault's wire behaviour, and test controls. Its seal, HA role, listener, request log and faults
 * are its own; `core` (storage, tokens, mounts, the seal configuration) is the cluster's.
 */
export class VaultServer extends TestClient {
  readonly core: Core;
  readonly node: ClusterNode;
  readonly clock: Clock;
  readonly log = new RequestLog();
  readonly #faults = new Faults();
  readonly #listener: HttpListener;
  readonly #tls: TlsMaterial | undefined;
  readonly #ownsTls: boolean;
  readonly #sweeper: NodeJS.Timeout;
  #inFlight = 0;
  /** The most requests this server was serving at once (a client's concurrency bound). */
  maxInFlight = 0;

  /** `ownsTls`: close() removes the TLS files (a cluster's nodes share one set, removed once). */
  constructor(node: ClusterNode, tls: TlsMaterial | undefined, ownsTls = true) {
    super();
    const core = node.core;
    this.core = core;
    this.node = node;
    this.clock = core.clock;
    this.#tls = tls;
    this.#ownsTls = ownsTls;
    this.#listener = new HttpListener(
      (req, res) => void this.#track(req, res),
      tls ? { cert: tls.serverCertPem, key: tls.serverKeyPem } : undefined,
    );
    // Why: leases must expire (and their onRevoke run) even when no request arrives.
    this.#sweeper = setInterval(() => {
      if (node.unsealed && (!core.ha.enabled || core.ha.active === node)) core.sweep();
    }, 200);
    this.#sweeper.unref();
  }

  /** The root token of the last init (in clear, also after a PGP-encrypted init). */
  get rootToken(): string {
    return this.core.rootToken;
  }

  /** The unseal keys (hex) of the current seal, in clear (test knowledge). */
  get unsealKeys(): string[] {
    return this.core.unsealKeys;
  }

  /** Where a client on this host reaches it (a wildcard listener is reached on loopback). */
  get addr(): string {
    const host = this.#listener.host === '0.0.0.0' ? '127.0.0.1' : this.#listener.host;
    return `${this.#tls ? 'https' : 'http'}://${host}:${this.#listener.port}`;
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
    const result = fault ? faultResult(fault) : await handleApi(this.node, request, wrapTtl);
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

  /** Seals this node (in a cluster, the active's lock passes to the next unsealed node). */
  seal(): void {
    sealNode(this.node);
  }

  /** Unseals this node without shares (in a cluster it takes the lock if nobody holds it). */
  unseal(): void {
    this.node.seal.forceUnseal();
    this.core.ha.nodeAvailable(this.node);
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
   * Single server: routed requests are still served, as a real standby forwards them to the
   * active node; simulate a failover gap with stop()/start() or failNext. In a cluster the
   * election decides who is standby; 'performance' marks a standby as a performance standby.
   */
  setStandby(mode: StandbyMode): void {
    this.node.standbyMode = mode;
  }

  /** Closes the listener and destroys every connection: clients see "connection refused". In a cluster an active node loses its lock. */
  async stop(): Promise<void> {
    await this.#listener.stop();
    this.node.running = false;
    this.core.ha.nodeLost(this.node);
  }

  /** First listen (port 0 = any free port); later start() calls reuse the port. */
  async listen(port: number, host?: string): Promise<void> {
    await this.#listener.start(port, host);
    this.#joined();
  }

  /** Listens again on the same port; all state is kept. */
  async start(): Promise<void> {
    if (!this.#listener.listening) await this.#listener.start();
    this.#joined();
  }

  #joined(): void {
    this.node.apiAddr = this.addr;
    this.node.running = true;
    this.core.ha.nodeAvailable(this.node);
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

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await this.stop();
    if (this.#ownsTls) await this.#tls?.cleanup();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
