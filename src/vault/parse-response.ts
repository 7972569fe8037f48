import { VaultDataError } from '../errors/keyturn-error.ts';
import { isRawJson } from './parse-vault-json.ts';
import type { VaultAuth, VaultResponse, WrapInfo } from './types.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;

/**
 * The longest duration keyturn believes: 100 years. Vault caps TTLs far lower (32 days by
 * default); a larger number is a hostile or broken answer, and left as it is it overflows
 * Date ("Invalid time value") or makes an expiry of 1e33.
 */
export const MAX_DURATION_MS = 100 * 365 * 24 * 3600 * 1000;

/**
 * Vault counts durations in whole seconds; keyturn in milliseconds, converted here, once.
 * 0 keeps Vault's meaning (no expiry: a root token, a KV read); a negative number is not an
 * answer Vault gives (65); a huge one is clamped.
 */
export function seconds(value: unknown, field: string): number {
  const n = exactNumber(value);
  if (n < 0) {
    throw new VaultDataError(`Vault answered a negative ${field} (${n}): not a duration`, {
      details: { field },
    });
  }
  return Math.min(n * 1000, MAX_DURATION_MS);
}

/** A count (num_uses): a non-negative integer, or 65. */
function count(value: unknown, field: string): number {
  const n = exactNumber(value);
  if (n < 0 || !Number.isSafeInteger(n)) {
    throw new VaultDataError(`Vault answered ${field} ${n}: not a count`, { details: { field } });
  }
  return n;
}

/** A number as parsed, or the value of an exact big integer (see parse-vault-json.ts); 0 when absent. */
function exactNumber(value: unknown): number {
  if (isRawJson(value)) return Number(value.rawJSON);
  return num(value);
}
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
    leaseDurationMs: seconds(wire.lease_duration, 'auth.lease_duration'),
    renewable: wire.renewable === true,
    entityId: str(wire.entity_id),
    tokenType: str(wire.token_type),
    orphan: wire.orphan === true,
    numUses: count(wire.num_uses, 'auth.num_uses'),
  };
}

/** Converts a wire `wrap_info` block. */
function parseWrapInfo(wire: unknown): WrapInfo | null {
  if (!isObject(wire)) return null;
  return {
    token: str(wire.token),
    accessor: str(wire.accessor),
    ttlMs: seconds(wire.ttl, 'wrap_info.ttl'),
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
    leaseDurationMs: seconds(body.lease_duration, 'lease_duration'),
    data: (body.data ?? null) as T,
    wrapInfo: parseWrapInfo(body.wrap_info),
    warnings: Array.isArray(body.warnings) ? strings(body.warnings) : null,
    auth: parseAuth(body.auth),
  };
  if (typeof body.mount_type === 'string') response.mountType = body.mount_type;
  return response;
}
