import type { VaultAuth, VaultResponse, WrapInfo } from './types.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;
/** Vault counts durations in whole seconds; keyturn in milliseconds, converted here, once. */
const seconds = (value: unknown): number => num(value) * 1000;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
  return out;
}

/** Converts a wire `auth` block (types.ts documents the mapping). */
function parseAuth(wire: unknown): VaultAuth | null {
  if (!isObject(wire)) return null;
  return {
    clientToken: str(wire.client_token),
    accessor: str(wire.accessor),
    policies: strings(wire.policies),
    tokenPolicies: strings(wire.token_policies),
    identityPolicies: strings(wire.identity_policies),
    metadata: stringMap(wire.metadata),
    leaseDurationMs: seconds(wire.lease_duration),
    renewable: wire.renewable === true,
    entityId: str(wire.entity_id),
    tokenType: str(wire.token_type),
    orphan: wire.orphan === true,
    numUses: num(wire.num_uses),
  };
}

/** Converts a wire `wrap_info` block. */
function parseWrapInfo(wire: unknown): WrapInfo | null {
  if (!isObject(wire)) return null;
  return {
    token: str(wire.token),
    accessor: str(wire.accessor),
    ttlMs: seconds(wire.ttl),
    creationTime: str(wire.creation_time),
    creationPath: str(wire.creation_path),
    wrappedAccessor: str(wire.wrapped_accessor),
  };
}

/**
 * Converts Vault's response wrapper to camelCase. Missing or mistyped fields take their
 * "empty" value (Vault sends `null`/`""` for those anyway); returns undefined when the
 * body is not a JSON object at all, so the caller can name the path in its error.
 */
export function parseVaultResponse<T>(body: unknown): VaultResponse<T> | undefined {
  if (!isObject(body)) return undefined;
  const response: VaultResponse<T> = {
    requestId: str(body.request_id),
    leaseId: str(body.lease_id),
    renewable: body.renewable === true,
    leaseDurationMs: seconds(body.lease_duration),
    data: (body.data ?? null) as T,
    wrapInfo: parseWrapInfo(body.wrap_info),
    warnings: Array.isArray(body.warnings) ? strings(body.warnings) : null,
    auth: parseAuth(body.auth),
  };
  if (typeof body.mount_type === 'string') response.mountType = body.mount_type;
  return response;
}
