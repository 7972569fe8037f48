import type { Clock } from './backend.ts';
import type { ClusterNode } from './cluster-node.ts';
import { HaState } from './ha-state.ts';
import { LeaseStore } from './lease-store.ts';
import { MountTable } from './mount-table.ts';
import { PolicyStore } from './policy-store.ts';
import { ShamirBarrier } from './shamir-barrier.ts';
import type { TokenEntry } from './token-store.ts';
import { TokenStore } from './token-store.ts';
import type { VaultRequest } from './vault-request.ts';
import type { CoreResponse } from './wire-response.ts';
import { WrappingStore } from './wrapping-store.ts';

/** Where sys/health reports this node: active, standby, performance standby or DR secondary. */
export type StandbyMode = boolean | 'performance' | 'dr-secondary';

export interface AuthMount {
  path: string;
  /** `approle`, `kubernetes`, `jwt` or `oidc`. */
  type: string;
  accessor: string;
  uuid: string;
  description: string;
  /** The method's API; patterns match the path inside the mount. */
  routes: RouteSpec[];
}

/**
 * The cluster's state, shared by all its nodes (one node for a single server): storage, tokens,
 * policies, mounts, the seal configuration and who is active. Handlers receive it in their context.
 */
export class Core {
  readonly clock: Clock;
  readonly tokens: TokenStore;
  readonly leases: LeaseStore;
  readonly policies = new PolicyStore();
  readonly mounts: MountTable;
  readonly authMounts = new Map<string, AuthMount>();
  readonly barrier = new ShamirBarrier();
  readonly ha: HaState;
  readonly wrapping: WrappingStore;
  readonly clusterName = 'vault-cluster-keyturn';
  readonly clusterId = crypto.randomUUID();
  /** Test knowledge of the last init: the root token and the unseal keys (hex), in clear. */
  rootToken = '';
  unsealKeys: string[] = [];

  constructor(clock: Clock) {
    this.clock = clock;
    this.tokens = new TokenStore(clock);
    this.leases = new LeaseStore(clock);
    this.mounts = new MountTable(clock);
    this.wrapping = new WrappingStore(this.tokens);
    this.ha = new HaState(clock);
    this.tokens.onRevoke = (entry) => {
      this.leases.revokeByToken(entry.id);
      this.wrapping.forget(entry.id);
    };
  }

  /** The root token of `vault server -dev`/`vault operator init`. */
  createRootToken(id?: string): TokenEntry {
    return this.tokens.create({
      ...(id ? { id } : {}),
      policies: ['root'],
      path: 'auth/token/root',
      displayName: 'root',
      renewable: false,
    });
  }

  /** Expires tokens and leases whose time has passed (Vault's expiration manager). */
  sweep(): void {
    this.tokens.sweep();
    this.leases.sweep();
  }
}

/** What a route handler gets. */
export interface HandlerContext {
  core: Core;
  /** The node the client called (its seal and HA role; the rest is the shared core). */
  node: ClusterNode;
  req: VaultRequest;
  /** The calling token; null on unauthenticated routes. */
  token: TokenEntry | null;
  requestId: string;
}

export type Handler = (
  ctx: HandlerContext,
  match: RegExpExecArray,
) => CoreResponse | Promise<CoreResponse>;

export type RouteOp = 'read' | 'list' | 'update' | 'delete';

/** One API path: its pattern, mount type, auth needs and handlers by operation. */
export interface RouteSpec {
  pattern: RegExp;
  mountType: string;
  unauthenticated?: boolean;
  /** Vault's "root paths": the token's policy also needs `sudo` here. */
  sudo?: boolean;
  /** Existence check: POST/PUT is `create` when this says false, else `update`. */
  exists?: (ctx: HandlerContext, match: RegExpExecArray) => boolean;
  ops: Partial<Record<RouteOp, Handler>>;
}
