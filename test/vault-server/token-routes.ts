import { VaultHttpError } from './backend.ts';
import type { Core, HandlerContext, RouteSpec } from './core.ts';
import { durationField } from './go-duration.ts';
import { sanitizePolicies, stringList } from './policy-store.ts';
import { issueToken, renewToken } from './token-issue.ts';
import type { TokenEntry } from './token-store.ts';
import { authBlock, lookupData } from './token-views.ts';
import { type CoreResponse, noContent, wrapper } from './wire-response.ts';

const MOUNT = 'token';

function caller(ctx: HandlerContext): TokenEntry {
  return ctx.token as TokenEntry;
}

function bodyToken(core: Core, body: Record<string, unknown>, field = 'token'): TokenEntry {
  const value = body[field];
  if (typeof value !== 'string' || value === '')
    throw new VaultHttpError(400, [`missing ${field}`]);
  const entry =
    field === 'accessor' ? core.tokens.lookupAccessor(value) : core.tokens.lookup(value);
  if (!entry) throw new VaultHttpError(400, ['bad token']);
  return entry;
}

function metaOf(body: Record<string, unknown>): Record<string, string> | null {
  const meta = body.meta;
  if (meta === undefined || meta === null || typeof meta !== 'object') return null;
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, String(v)]));
}

/** auth/token/create(-orphan): for tests and for keyturn's own token-based flows. */
function create(ctx: HandlerContext, orphan: boolean): CoreResponse {
  const parent = caller(ctx);
  const body = ctx.req.body;
  const requested = stringList(body.policies);
  const isRootParent = parent.policies.includes('root');
  const policies =
    requested.length === 0
      ? parent.policies
      : sanitizePolicies(requested, body.no_default_policy !== true);
  if (!isRootParent && !policies.every((p) => p === 'default' || parent.policies.includes(p))) {
    throw new VaultHttpError(400, ['child policies must be subset of parent']);
  }
  const type = body.type === 'batch' ? 'batch' : 'service';
  const { entry, ttlSeconds, warnings } = issueToken(ctx.core, {
    type,
    policies,
    path: orphan ? 'auth/token/create-orphan' : 'auth/token/create',
    meta: metaOf(body),
    displayName: typeof body.display_name === 'string' ? `token-${body.display_name}` : 'token',
    numUses: Number(body.num_uses ?? 0),
    parent: orphan || body.no_parent === true ? null : parent.id,
    ttlSeconds: durationField(body, 'ttl'),
    maxTtlSeconds: 0,
    explicitMaxTtlSeconds: durationField(body, 'explicit_max_ttl'),
    periodSeconds: durationField(body, 'period'),
    renewable: body.renewable !== false,
    allowNoExpiry: policies.includes('root'),
  });
  return wrapper({ auth: authBlock(entry, ttlSeconds), warnings, mountType: MOUNT });
}

function lookup(ctx: HandlerContext, entry: TokenEntry, hideId = false): CoreResponse {
  const data = lookupData(entry, ctx.core.clock.now());
  if (hideId) data.id = '';
  return wrapper({ data, mountType: MOUNT });
}

function renew(ctx: HandlerContext, entry: TokenEntry): CoreResponse {
  const { ttlSeconds, warnings } = renewToken(
    ctx.core,
    entry,
    durationField(ctx.req.body, 'increment'),
  );
  return wrapper({ auth: authBlock(entry, ttlSeconds), warnings, mountType: MOUNT });
}

function revoke(ctx: HandlerContext, entry: TokenEntry): CoreResponse {
  ctx.core.tokens.revoke(entry.id);
  return noContent;
}

const selfLookup = (ctx: HandlerContext) => lookup(ctx, caller(ctx));

/** The token store's API (auth/token/...). */
export const tokenRoutes: RouteSpec[] = [
  {
    pattern: /^auth\/token\/create\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => create(ctx, false) },
  },
  {
    pattern: /^auth\/token\/create-orphan\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => create(ctx, true) },
  },
  {
    pattern: /^auth\/token\/lookup-self\/?$/,
    mountType: MOUNT,
    ops: { read: selfLookup, update: selfLookup },
  },
  {
    pattern: /^auth\/token\/lookup\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => lookup(ctx, bodyToken(ctx.core, ctx.req.body)) },
  },
  {
    pattern: /^auth\/token\/lookup-accessor\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => lookup(ctx, bodyToken(ctx.core, ctx.req.body, 'accessor'), true) },
  },
  {
    pattern: /^auth\/token\/renew-self\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => renew(ctx, caller(ctx)) },
  },
  {
    pattern: /^auth\/token\/renew\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => renew(ctx, bodyToken(ctx.core, ctx.req.body)) },
  },
  {
    pattern: /^auth\/token\/revoke-self\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => revoke(ctx, caller(ctx)) },
  },
  {
    pattern: /^auth\/token\/revoke\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => revoke(ctx, bodyToken(ctx.core, ctx.req.body)) },
  },
  {
    pattern: /^auth\/token\/revoke-accessor\/?$/,
    mountType: MOUNT,
    ops: { update: (ctx) => revoke(ctx, bodyToken(ctx.core, ctx.req.body, 'accessor')) },
  },
];
