import { VaultHttpError } from './backend.ts';
import type { HandlerContext, RouteSpec } from './core.ts';
import { stringList } from './policy-store.ts';
import { type CoreResponse, noContent, wrapper } from './wire-response.ts';

const SYSTEM = 'system';

function policyText(ctx: HandlerContext): string {
  const text = ctx.req.body.policy ?? ctx.req.body.rules;
  if (typeof text !== 'string' || text === '')
    throw new VaultHttpError(400, ["'policy' parameter not supplied or empty"]);
  return text;
}

function readPolicy(ctx: HandlerContext, name: string, field: 'policy' | 'rules'): CoreResponse {
  const text = ctx.core.policies.get(name);
  if (text === undefined) throw new VaultHttpError(404, []);
  return wrapper({ data: { name: name.toLowerCase(), [field]: text }, mountType: SYSTEM });
}

function writePolicy(ctx: HandlerContext, name: string): CoreResponse {
  ctx.core.policies.put(name, policyText(ctx));
  return noContent;
}

function deletePolicy(ctx: HandlerContext, name: string): CoreResponse {
  ctx.core.policies.delete(name);
  return noContent;
}

/**
 * sys/capabilities-self: `{"<path>": [caps]}` in data (and, as a sys path, at the top level);
 * the extra `capabilities` key only when exactly one path was asked.
 */
function capabilitiesSelf(ctx: HandlerContext): CoreResponse {
  const paths = stringList(ctx.req.body.paths ?? ctx.req.body.path);
  if (paths.length === 0) throw new VaultHttpError(400, ["'paths' parameter not supplied"]);
  const acl = ctx.core.policies.acl(ctx.token?.policies ?? []);
  const data: Record<string, string[]> = {};
  for (const path of paths) data[path] = acl.capabilityList(path.replace(/^\//, ''));
  if (paths.length === 1) data.capabilities = data[paths[0] as string] as string[];
  return wrapper({ data, mountType: SYSTEM });
}

const name = (m: RegExpExecArray) => m[1] as string;

/** ACL policy endpoints (new sys/policies/acl and old sys/policy) and capabilities-self. */
export const policyRoutes: RouteSpec[] = [
  {
    pattern: /^sys\/policies\/acl\/?$/,
    mountType: SYSTEM,
    ops: {
      list: (ctx) => wrapper({ data: { keys: ctx.core.policies.names() }, mountType: SYSTEM }),
    },
  },
  {
    pattern: /^sys\/policies\/acl\/(.+?)\/?$/,
    mountType: SYSTEM,
    ops: {
      read: (ctx, m) => readPolicy(ctx, name(m), 'policy'),
      update: (ctx, m) => writePolicy(ctx, name(m)),
      delete: (ctx, m) => deletePolicy(ctx, name(m)),
    },
  },
  {
    pattern: /^sys\/policy\/?$/,
    mountType: SYSTEM,
    ops: {
      read: (ctx) =>
        wrapper({
          data: { keys: ctx.core.policies.names(), policies: ctx.core.policies.names() },
          mountType: SYSTEM,
        }),
    },
  },
  {
    pattern: /^sys\/policy\/(.+?)\/?$/,
    mountType: SYSTEM,
    ops: {
      read: (ctx, m) => readPolicy(ctx, name(m), 'rules'),
      update: (ctx, m) => writePolicy(ctx, name(m)),
      delete: (ctx, m) => deletePolicy(ctx, name(m)),
    },
  },
  { pattern: /^sys\/capabilities-self\/?$/, mountType: SYSTEM, ops: { update: capabilitiesSelf } },
];
