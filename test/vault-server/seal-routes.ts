import { VaultHttpError } from './backend.ts';
import type { ClusterNode } from './cluster-node.ts';
import type { RouteSpec } from './core.ts';
import { decodeGoStruct } from './go-json-struct.ts';
import { health, sealStatus } from './health.ts';
import { initVault } from './init-route.ts';
import { leaderStatus } from './leader-status.ts';
import { decodeUnsealKey } from './seal-state.ts';
import type { VaultRequest } from './vault-request.ts';
import { type CoreResponse, noContent } from './wire-response.ts';

function raw(status: number, body: unknown): CoreResponse {
  return { kind: 'raw', status, body };
}

/** UnsealRequest has no JSON tags: Go matches `key`, `Key`, `KEY` alike. */
const UNSEAL_REQUEST = { Key: 'string', Reset: 'bool', Migrate: 'bool' } as const;

/** PUT sys/unseal on one node: each node collects its own shares (http/sys_seal.go order). */
async function unseal(node: ClusterNode, req: VaultRequest): Promise<CoreResponse> {
  const body = decodeGoStruct(req.body, 'UnsealRequest', UNSEAL_REQUEST);
  if (body.Reset) {
    if (!node.seal.sealed) throw new VaultHttpError(400, ['vault is unsealed']);
    node.seal.resetProgress();
    return raw(200, sealStatus(node));
  }
  if (body.Key === '') {
    throw new VaultHttpError(400, [
      "'key' must be specified in request body as JSON, or 'reset' set to true",
    ]);
  }
  if (await node.seal.submit(decodeUnsealKey(body.Key))) node.core.ha.nodeAvailable(node);
  return raw(200, sealStatus(node));
}

/** GET or PUT sys/init: the cluster's seal; the new root token becomes the test server's. */
async function init(node: ClusterNode, req: VaultRequest): Promise<CoreResponse> {
  if (req.method === 'GET') return raw(200, { initialized: node.seal.initialized });
  return raw(200, await initVault(node.core, req));
}

/**
 * The endpoints a node answers itself, in raw JSON, sealed or not: sys/health, sys/seal-status,
 * sys/leader, sys/init, sys/unseal. Returns null for any other path.
 */
export async function rawSysEndpoint(
  node: ClusterNode,
  req: VaultRequest,
): Promise<CoreResponse | null> {
  const path = req.rawPath.replace(/\/$/, '');
  const method = req.method;
  if (path === 'sys/health' && (method === 'GET' || method === 'HEAD')) {
    const { status, body } = health(node, req.query);
    return raw(status, method === 'HEAD' ? null : body);
  }
  if (path === 'sys/seal-status' && method === 'GET') return raw(200, sealStatus(node));
  if (path === 'sys/leader' && method === 'GET') return raw(200, leaderStatus(node));
  if (path === 'sys/init' && (method === 'GET' || method === 'PUT' || method === 'POST'))
    return init(node, req);
  if (path === 'sys/unseal' && (method === 'PUT' || method === 'POST')) return unseal(node, req);
  return null;
}

/** Seals a node; if it was the active one, the cluster elects another. */
export function sealNode(node: ClusterNode): void {
  node.seal.seal();
  node.core.ha.nodeLost(node);
}

/**
 * sys/seal: root (sudo) only; 204. Real Vault does not forward it: a standby answers 500
 * `vault cannot seal when in standby mode; please restart instead` (see api-handler.ts).
 */
export const sealRoutes: RouteSpec[] = [
  {
    pattern: /^sys\/seal\/?$/,
    mountType: 'system',
    sudo: true,
    ops: {
      update: (ctx) => {
        sealNode(ctx.node);
        return noContent;
      },
    },
  },
];
