import type { Operation } from './backend.ts';
import { VaultHttpError } from './backend.ts';
import { addressInCidrs } from './cidr.ts';
import type { ClusterNode } from './cluster-node.ts';
import type { Core, HandlerContext, RouteOp } from './core.ts';
import { uuid } from './random-id.ts';
import { type ResolvedRoute, resolveRoute } from './route-resolver.ts';
import { rawSysEndpoint } from './seal-routes.ts';
import type { TokenEntry } from './token-store.ts';
import { invalidToken, permissionDenied, SEALED_TEXT } from './vault-errors.ts';
import type { VaultRequest } from './vault-request.ts';
import { type ApiResult, renderError, renderResponse } from './wire-render.ts';

/** The token for a routed request: 1-error 403 without one, 2-error 403 for a dead one. */
function authenticate(core: Core, req: VaultRequest): TokenEntry {
  if (req.token === '') throw permissionDenied();
  const entry = core.tokens.lookup(req.token);
  if (!entry) throw invalidToken();
  // A token bound to CIDRs is refused elsewhere, as Vault refuses it.
  if (entry.boundCidrs.length > 0 && !addressInCidrs(req.remoteAddress, entry.boundCidrs))
    throw permissionDenied();
  return entry;
}

function capabilityFor(route: ResolvedRoute | null, ctx: HandlerContext, op: RouteOp): Operation {
  if (op !== 'update' || !route?.spec.exists) return op;
  return route.spec.exists(ctx, route.match) ? 'update' : 'create';
}

/** Spends one use of a limited token; true when that was its last (revoke after the request). */
function spendUse(entry: TokenEntry): boolean {
  if (entry.numUses <= 0) return false;
  entry.numUses -= 1;
  return entry.numUses === 0;
}

async function routed(core: Core, req: VaultRequest, ctx: HandlerContext): Promise<ApiResult> {
  const route = resolveRoute(core, req.path);
  const op = req.operation;
  let lastUse = false;
  if (!route?.spec.unauthenticated) {
    const token = authenticate(core, req);
    ctx.token = token;
    if (op === 'head' || op === 'patch') throw new VaultHttpError(405, ['unsupported operation']);
    const capability = capabilityFor(route, ctx, op);
    const acl = core.policies.acl(token.policies);
    if (!acl.allows(req.path, capability, route?.spec.sudo, req.wrapTtlSeconds))
      throw permissionDenied();
    lastUse = spendUse(token);
  }
  try {
    if (!route)
      throw new VaultHttpError(404, [`no handler for route "${req.path}". route entry not found.`]);
    const handler = op === 'head' || op === 'patch' ? undefined : route.spec.ops[op];
    if (!handler) throw new VaultHttpError(405, ['unsupported operation']);
    const response = await handler(ctx, route.match);
    return renderResponse(core, req, ctx.requestId, response);
  } catch (error) {
    if (error instanceof VaultHttpError)
      return renderError(error, req, ctx.requestId, route?.spec.mountType ?? '');
    throw error;
  } finally {
    if (lastUse && ctx.token) core.tokens.revoke(ctx.token.id);
  }
}

/**
 * What a node does with a routed request it cannot serve itself. A standby forwards requests to
 * the active node (http/handler.go handleRequestForwarding) — here they share one core, so the
 * answer is the active's. Without an active it answers 500; sys/seal is never forwarded.
 */
function checkStandby(node: ClusterNode, req: VaultRequest): void {
  const ha = node.core.ha;
  if (!ha.enabled || ha.active === node) return;
  if (/^sys\/seal\/?$/.test(req.rawPath)) {
    throw new VaultHttpError(500, [
      'vault cannot seal when in standby mode; please restart instead',
    ]);
  }
  if (!ha.active) {
    throw new VaultHttpError(500, ['local node not active but active cluster node not found']);
  }
}

/** One API request to one node, start to end: raw sys endpoints, the seal gate, HA, auth, ACL, handler, wire. */
export async function handleApi(
  node: ClusterNode,
  req: VaultRequest,
  wrapTtl: () => number,
): Promise<ApiResult> {
  const core = node.core;
  const ctx: HandlerContext = { core, node, req, token: null, requestId: uuid() };
  try {
    if (req.bodyError && req.method !== 'GET' && req.method !== 'HEAD')
      throw new VaultHttpError(400, [req.bodyError]);
    const raw = await rawSysEndpoint(node, req);
    if (raw) return renderResponse(core, req, ctx.requestId, raw);
    if (!node.unsealed) throw new VaultHttpError(503, [SEALED_TEXT]);
    checkStandby(node, req);
    core.sweep();
    req.wrapTtlSeconds = wrapTtl();
    const result = await routed(core, req, ctx);
    if (core.ha.enabled && result.status < 400 && !['read', 'list', 'head'].includes(req.operation))
      core.ha.raftIndex += 1;
    return result;
  } catch (error) {
    if (error instanceof VaultHttpError) return renderError(error, req, ctx.requestId, '');
    const message = error instanceof Error ? error.message : String(error);
    return renderError(new VaultHttpError(500, [message]), req, ctx.requestId, '');
  }
}
