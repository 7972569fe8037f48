import type { Core, HandlerContext, RouteOp, RouteSpec } from './core.ts';
import { engineCall } from './engine-call.ts';
import { leaseRoutes } from './lease-routes.ts';
import { mountRoutes } from './mount-routes.ts';
import { longestMount, type SecretMount } from './mount-table.ts';
import { policyRoutes } from './policy-routes.ts';
import { sealRoutes } from './seal-routes.ts';
import { tokenRoutes } from './token-routes.ts';
import { wrappingRoutes } from './wrapping-routes.ts';

const SYSTEM_ROUTES: RouteSpec[] = [
  ...policyRoutes,
  ...mountRoutes,
  ...leaseRoutes,
  ...wrappingRoutes,
  ...sealRoutes,
  ...tokenRoutes,
];

export interface ResolvedRoute {
  spec: RouteSpec;
  match: RegExpExecArray;
}

function firstMatch(specs: RouteSpec[], path: string): ResolvedRoute | null {
  for (const spec of specs) {
    const match = spec.pattern.exec(path);
    if (match) return { spec, match };
  }
  return null;
}

/** A secret engine mount seen as one route: every operation goes to the engine. */
function engineRoute(mount: SecretMount, subPath: string): ResolvedRoute {
  const call = (op: RouteOp) => (ctx: HandlerContext) => engineCall(ctx, mount, subPath, op);
  const spec: RouteSpec = {
    pattern: /^/,
    mountType: mount.type,
    exists: () => mount.engine.exists(subPath),
    ops: { read: call('read'), list: call('list'), update: call('update'), delete: call('delete') },
  };
  return { spec, match: /^/.exec('') as RegExpExecArray };
}

/** Which handler serves `path`: sys and token routes, then auth mounts, then secret engines. */
export function resolveRoute(core: Core, path: string): ResolvedRoute | null {
  if (path.startsWith('sys/') || path.startsWith('auth/token/'))
    return firstMatch(SYSTEM_ROUTES, path);
  if (path.startsWith('auth/')) {
    const inner = path.slice('auth/'.length);
    const mount = longestMount(core.authMounts.values(), inner);
    if (!mount) return null;
    return firstMatch(mount.routes, inner.slice(mount.path.length));
  }
  const mount = core.mounts.find(path);
  if (!mount) return null;
  return engineRoute(mount, path.slice(mount.path.length));
}
