import { VaultHttpError } from './backend.ts';
import type { HandlerContext, RouteSpec } from './core.ts';
import { durationField, rfc3339Nano } from './go-duration.ts';
import { type CoreResponse, noContent, wrapper } from './wire-response.ts';

const SYSTEM = 'system';

function leaseIdOf(ctx: HandlerContext, match: RegExpExecArray): string {
  const fromPath = match[1];
  const fromBody = ctx.req.body.lease_id;
  const id = fromPath || (typeof fromBody === 'string' ? fromBody : '');
  if (id === '') throw new VaultHttpError(400, ['lease_id must be specified']);
  return id;
}

/** sys/leases/renew: top-level lease_id, lease_duration, renewable; data null; capping warning. */
function renew(ctx: HandlerContext, match: RegExpExecArray): CoreResponse {
  const id = leaseIdOf(ctx, match);
  const { lease, ttlSeconds, warnings } = ctx.core.leases.renew(
    id,
    durationField(ctx.req.body, 'increment'),
  );
  return wrapper({
    leaseId: lease.id,
    renewable: lease.renewable,
    leaseDuration: ttlSeconds,
    warnings,
    mountType: SYSTEM,
  });
}

function revoke(ctx: HandlerContext, match: RegExpExecArray): CoreResponse {
  ctx.core.leases.revoke(leaseIdOf(ctx, match));
  return noContent;
}

function lookup(ctx: HandlerContext, match: RegExpExecArray): CoreResponse {
  const id = leaseIdOf(ctx, match);
  const lease = ctx.core.leases.get(id);
  if (!lease) throw new VaultHttpError(400, ['invalid lease']);
  return wrapper({
    data: {
      expire_time: rfc3339Nano(lease.expireMs),
      id: lease.id,
      issue_time: rfc3339Nano(lease.issueMs),
      last_renewal: lease.lastRenewalMs === null ? null : rfc3339Nano(lease.lastRenewalMs),
      renewable: lease.renewable,
      ttl: Math.max(0, Math.trunc((lease.expireMs - ctx.core.clock.now()) / 1000)),
    },
    mountType: SYSTEM,
  });
}

export const leaseRoutes: RouteSpec[] = [
  {
    pattern: /^sys\/(?:leases\/renew|renew)(?:\/(.+))?$/,
    mountType: SYSTEM,
    ops: { update: renew },
  },
  {
    pattern: /^sys\/(?:leases\/revoke|revoke)(?:\/(.+))?$/,
    mountType: SYSTEM,
    ops: { update: revoke },
  },
  { pattern: /^sys\/leases\/lookup\/?()$/, mountType: SYSTEM, ops: { update: lookup } },
];
