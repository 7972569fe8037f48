import { authMethodFactories } from './auth/auth-methods.ts';
import { VaultHttpError } from './backend.ts';
import type { AuthMount, Core, HandlerContext, RouteSpec } from './core.ts';
import { longestMount, type MountEntry, mountInfo, mountPath } from './mount-table.ts';
import { randomBase62, uuid } from './random-id.ts';
import { invalidToken } from './vault-errors.ts';
import { type CoreResponse, noContent, wrapper } from './wire-response.ts';

const SYSTEM = 'system';

function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function authEntry(mount: AuthMount): MountEntry {
  const { routes: _routes, ...entry } = mount;
  return { ...entry, options: null, local: false, sealWrap: false };
}

const TOKEN_AUTH: MountEntry = {
  path: 'token/',
  type: 'token',
  description: 'token based credentials',
  options: null,
  accessor: 'auth_token_keyturn',
  uuid: uuid(),
  local: false,
  sealWrap: false,
};

function listMounts(ctx: HandlerContext): CoreResponse {
  const data: Record<string, unknown> = {};
  for (const mount of ctx.core.mounts.all()) data[mount.path] = mountInfo(mount);
  return wrapper({ data, mountType: SYSTEM });
}

function enableMount(ctx: HandlerContext, path: string): CoreResponse {
  const type = ctx.req.body.type;
  if (typeof type !== 'string' || type === '')
    throw new VaultHttpError(400, ['backend type must be specified as a string']);
  const description = typeof ctx.req.body.description === 'string' ? ctx.req.body.description : '';
  const config = stringMap(ctx.req.body.config);
  const ttls = Object.fromEntries(
    Object.entries(config).filter(([k]) => k === 'default_lease_ttl' || k === 'max_lease_ttl'),
  );
  ctx.core.mounts.mount(path, type, stringMap(ctx.req.body.options), description, ttls);
  return noContent;
}

function disableMount(ctx: HandlerContext, path: string): CoreResponse {
  const removed = ctx.core.mounts.unmount(path);
  if (removed) ctx.core.leases.revokePrefix(removed.path);
  return noContent;
}

function listAuth(ctx: HandlerContext): CoreResponse {
  const data: Record<string, unknown> = { 'token/': mountInfo(TOKEN_AUTH) };
  for (const mount of ctx.core.authMounts.values()) data[mount.path] = mountInfo(authEntry(mount));
  return wrapper({ data, mountType: SYSTEM });
}

/** Enables an auth method: approle, kubernetes, jwt or oidc (the token store is built in). */
export function enableAuth(core: Core, path: string, type: string, description = ''): void {
  const normalized = mountPath(path);
  const factory = authMethodFactories[type];
  if (!factory) throw new VaultHttpError(400, [`plugin not found in the catalog: ${type}`]);
  if (normalized === 'token/' || core.authMounts.has(normalized)) {
    throw new VaultHttpError(400, [`path is already in use at auth/${normalized}`]);
  }
  core.authMounts.set(normalized, {
    path: normalized,
    type,
    accessor: `auth_${type}_${randomBase62(8).toLowerCase()}`,
    uuid: uuid(),
    description,
    routes: factory(normalized, core.clock),
  });
}

/** Any mount (secret engine or auth method, as `auth/<path>`) covering `path`. */
function findAnyMount(core: Core, path: string): MountEntry | undefined {
  if (path.startsWith('auth/')) {
    const inner = path.slice('auth/'.length);
    const auth = longestMount([TOKEN_AUTH, ...[...core.authMounts.values()].map(authEntry)], inner);
    return auth ? { ...auth, path: `auth/${auth.path}` } : undefined;
  }
  return core.mounts.find(path);
}

/**
 * sys/internal/ui/mounts/:path — 403 with the preflight text for a mount that does not exist
 * (even for root, hashicorp/vault#11434) and when the token's policies grant nothing under it.
 */
function uiMount(ctx: HandlerContext, rawPath: string): CoreResponse {
  const path = `${rawPath.replace(/^\/+/, '').replace(/\/?$/, '/')}`;
  const denied = new VaultHttpError(403, [
    `preflight capability check returned 403, please ensure client's policies grant access to path "${path}"`,
  ]);
  const token = ctx.req.token ? ctx.core.tokens.lookup(ctx.req.token) : undefined;
  if (ctx.req.token && !token) throw invalidToken();
  const mount = findAnyMount(ctx.core, path);
  if (!mount || !token) throw denied;
  if (!ctx.core.policies.acl(token.policies).hasMountAccess(mount.path)) throw denied;
  return wrapper({ data: { ...mountInfo(mount), path: mount.path }, mountType: SYSTEM });
}

/** sys/mounts-all/:path — UNCONFIRMED endpoint (seen in a recent CLI); served for clients that try it. */
function mountsAll(ctx: HandlerContext, rawPath: string): CoreResponse {
  const mount = findAnyMount(ctx.core, mountPath(rawPath));
  if (!mount) throw new VaultHttpError(400, [`no matching mount for path "${rawPath}"`]);
  return wrapper({ data: { ...mountInfo(mount), path: mount.path }, mountType: SYSTEM });
}

const arg = (m: RegExpExecArray) => m[1] as string;

export const mountRoutes: RouteSpec[] = [
  { pattern: /^sys\/mounts\/?$/, mountType: SYSTEM, ops: { read: listMounts } },
  {
    pattern: /^sys\/mounts\/(.+?)\/?$/,
    mountType: SYSTEM,
    ops: {
      update: (ctx, m) => enableMount(ctx, arg(m)),
      delete: (ctx, m) => disableMount(ctx, arg(m)),
      read: (ctx, m) => {
        const mount = ctx.core.mounts.all().find((x) => x.path === mountPath(arg(m)));
        if (!mount)
          throw new VaultHttpError(400, [`No secret engine mount at ${mountPath(arg(m))}`]);
        return wrapper({ data: mountInfo(mount), mountType: SYSTEM });
      },
    },
  },
  { pattern: /^sys\/auth\/?$/, mountType: SYSTEM, ops: { read: listAuth } },
  {
    pattern: /^sys\/auth\/(.+?)\/?$/,
    mountType: SYSTEM,
    sudo: true,
    ops: {
      update: (ctx, m) => {
        const type = ctx.req.body.type;
        const description =
          typeof ctx.req.body.description === 'string' ? ctx.req.body.description : '';
        enableAuth(ctx.core, arg(m), typeof type === 'string' ? type : '', description);
        return noContent;
      },
      delete: (ctx, m) => {
        ctx.core.authMounts.delete(mountPath(arg(m)));
        return noContent;
      },
    },
  },
  {
    pattern: /^sys\/internal\/ui\/mounts\/(.+)$/,
    mountType: SYSTEM,
    unauthenticated: true,
    ops: { read: (ctx, m) => uiMount(ctx, arg(m)) },
  },
  {
    pattern: /^sys\/mounts-all\/(.+)$/,
    mountType: SYSTEM,
    ops: { read: (ctx, m) => mountsAll(ctx, arg(m)) },
  },
];
