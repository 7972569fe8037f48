import { VaultHttpError } from './backend.ts';
import type { HandlerContext, RouteSpec } from './core.ts';
import { invalidToken, permissionDenied } from './vault-errors.ts';
import { type CoreResponse, wrapper } from './wire-response.ts';

const SYSTEM = 'system';

function bodyToken(ctx: HandlerContext): string {
  const token = ctx.req.body.token;
  return typeof token === 'string' ? token : '';
}

/** sys/wrapping/lookup: no auth needed, does not use the wrapping token. */
function lookup(ctx: HandlerContext): CoreResponse {
  const token = bodyToken(ctx) || ctx.req.token;
  return wrapper({ data: ctx.core.wrapping.lookup(token), mountType: SYSTEM });
}

/** A caller unwrapping someone else's token must itself be allowed to call unwrap. */
function checkCaller(ctx: HandlerContext): void {
  if (ctx.req.token === '') throw permissionDenied();
  const caller = ctx.core.tokens.lookup(ctx.req.token);
  if (!caller) throw invalidToken();
  if (!ctx.core.policies.acl(caller.policies).allows('sys/wrapping/unwrap', 'update'))
    throw permissionDenied();
}

/**
 * sys/wrapping/unwrap: the wrapping token as X-Vault-Token with no body, or another token and
 * `{token}`. Single use; the stored response comes back verbatim (its own request_id).
 */
function unwrap(ctx: HandlerContext): CoreResponse {
  let wrappingToken = bodyToken(ctx);
  if (wrappingToken !== '') checkCaller(ctx);
  else wrappingToken = ctx.req.token;
  return { kind: 'rawText', status: 200, text: ctx.core.wrapping.unwrap(wrappingToken) };
}

/** sys/wrapping/wrap: wraps the request body (the X-Vault-Wrap-TTL header is required). */
function wrap(ctx: HandlerContext): CoreResponse {
  if (ctx.req.wrapTtlSeconds <= 0)
    throw new VaultHttpError(400, ['wrapping requested but no wrap TTL given']);
  return wrapper({ data: ctx.req.body, mountType: SYSTEM });
}

export const wrappingRoutes: RouteSpec[] = [
  {
    pattern: /^sys\/wrapping\/lookup\/?$/,
    mountType: SYSTEM,
    unauthenticated: true,
    ops: { update: lookup, read: lookup },
  },
  {
    pattern: /^sys\/wrapping\/unwrap\/?$/,
    mountType: SYSTEM,
    unauthenticated: true,
    ops: { update: unwrap },
  },
  { pattern: /^sys\/wrapping\/wrap\/?$/, mountType: SYSTEM, ops: { update: wrap } },
];
