import type { Operation } from './backend.ts';
import { VaultHttpError } from './backend.ts';
import type { HandlerContext, RouteOp } from './core.ts';
import type { SecretMount } from './mount-table.ts';
import { type CoreResponse, noContent, wrapper } from './wire-response.ts';

/** Calls a secret engine and turns its answer into the wrapper, creating any lease it asks for. */
export async function engineCall(
  ctx: HandlerContext,
  mount: SecretMount,
  subPath: string,
  op: RouteOp,
): Promise<CoreResponse> {
  const operation: Operation = op === 'update' && !mount.engine.exists(subPath) ? 'create' : op;
  const token = ctx.token;
  const response = await mount.engine.handle({
    operation,
    subPath,
    mountPath: mount.path,
    query: ctx.req.query,
    body: ctx.req.body,
    tokenId: token?.id ?? '',
  });
  if (response.noContent) return noContent;
  if (response.raw) {
    return {
      kind: 'rawBody',
      status: response.status ?? 200,
      contentType: response.raw.contentType,
      body: response.raw.body,
    };
  }
  const noData = response.data === undefined && !response.lease && !response.warnings?.length;
  if (noData) {
    // Vault: a read of nothing is 404 {"errors":[]}, a write with nothing to say is 204.
    if (op === 'read' || op === 'list') throw new VaultHttpError(404, []);
    return noContent;
  }
  const fields = {
    ...(response.status !== undefined ? { status: response.status } : {}),
    data: response.data ?? null,
    ...(response.warnings ? { warnings: response.warnings } : {}),
    ...(response.leaseDurationSeconds !== undefined
      ? { leaseDuration: response.leaseDurationSeconds }
      : {}),
    mountType: mount.type,
  };
  if (!response.lease) return wrapper(fields);
  const lease = ctx.core.leases.create(response.lease, token?.id ?? '');
  return wrapper({
    ...fields,
    leaseId: lease.id,
    renewable: lease.renewable,
    leaseDuration: response.lease.ttlSeconds,
  });
}
