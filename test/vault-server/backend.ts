/**
 * The seam between the test server's core (HTTP, tokens, ACLs, wrapping, leases, sys/*)
 * and its secret engines (kv, pki, database). The core routes a request to the engine
 * mounted at the longest matching prefix; an engine returns what goes in the wrapper.
 */

/** Injectable time source, milliseconds since the epoch (tests advance it for long schedules). */
export interface Clock {
  now(): number;
}

/** Vault's ACL capabilities; POST/PUT map to `create` when nothing exists yet, else `update`. */
export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete';

export interface EngineRequest {
  operation: Operation;
  /** Path inside the mount, no leading slash: for `secret/data/app/db` on `secret/`, `data/app/db`. */
  subPath: string;
  /** The mount as Vault names it, with its trailing slash: `secret/`. */
  mountPath: string;
  query: URLSearchParams;
  /** Parsed JSON body, `{}` when there was none. */
  body: Record<string, unknown>;
  /** The calling token's id (engines record it so leases die with the token). */
  tokenId: string;
}

/** A lease the core should create for this response; the core fills `lease_id`. */
export interface LeaseRequest {
  /** `database/creds/app` — the core appends `/<24 base62>`. */
  pathPrefix: string;
  ttlSeconds: number;
  maxTtlSeconds: number;
  renewable: boolean;
  /** Called once when the lease is revoked or expires (e.g. drop the database user). */
  onRevoke?: () => void;
}

export interface EngineResponse {
  /** Default 200 with the wrapper; 204 with no body when `noContent`. */
  status?: number;
  noContent?: boolean;
  data?: unknown;
  /** Top-level `lease_duration` for unleased data (KV v1's `ttl` hint). */
  leaseDurationSeconds?: number;
  lease?: LeaseRequest;
  warnings?: string[];
  /** Sent as-is instead of the wrapper, with `status` (PKI `ca/pem`, `ca_chain`: not JSON). */
  raw?: { contentType: string; body: string };
}

/** Thrown by the core and engines: becomes `{"errors": errors}` with this status. */
export class VaultHttpError extends Error {
  readonly status: number;
  readonly errors: string[];
  /** When set, sent as the body instead of `{"errors": …}` (KV v2 deleted version 404). */
  readonly body: unknown;

  constructor(status: number, errors: string[], body?: unknown) {
    super(errors.join('; ') || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.body = body;
  }
}

export interface EngineContext {
  clock: Clock;
}

/** A secret engine instance mounted at one path. */
export interface Engine {
  /** `kv` (with options.version "1"|"2"), `pki`, `database`. */
  readonly type: string;
  readonly options: Record<string, string>;
  /** Does anything exist at this path? Lets the core pick `create` vs `update` for ACL checks. */
  exists(subPath: string): boolean;
  handle(request: EngineRequest): Promise<EngineResponse> | EngineResponse;
}

export type EngineFactory = (context: EngineContext, options: Record<string, string>) => Engine;
