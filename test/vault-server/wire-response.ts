/**
 * What handlers return and how it goes on the wire: Vault's response wrapper with its keys in
 * Go's struct order, `null` for empty members, and `data` maps sorted as Go encodes maps.
 */

/** The `auth` member, keys in Vault's HTTPAuth order (token_policies omitted when empty). */
export interface AuthBlock {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies?: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: 'service' | 'batch';
  orphan: boolean;
  mfa_requirement: null;
  num_uses: number;
}

export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

export interface WrapperFields {
  status?: number;
  leaseId?: string;
  renewable?: boolean;
  leaseDuration?: number;
  data?: unknown;
  warnings?: string[];
  auth?: AuthBlock;
  mountType: string;
  /** For wrapping: the accessor of what is wrapped (a secret ID's accessor, a token's accessor). */
  wrappedAccessor?: string;
}

export type CoreResponse =
  | { kind: 'wrapper'; fields: WrapperFields }
  | { kind: 'raw'; status: number; body: unknown }
  | { kind: 'rawText'; status: number; text: string }
  | { kind: 'rawBody'; status: number; contentType: string; body: string }
  | { kind: 'noContent' };

export function wrapper(fields: WrapperFields): CoreResponse {
  return { kind: 'wrapper', fields };
}

export const noContent: CoreResponse = { kind: 'noContent' };

/** Recursively sorts object keys, as Go's encoding/json does for map[string]interface{}. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object' || value.constructor !== Object) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeysDeep(member);
  }
  return out;
}

function orderedAuth(auth: AuthBlock): Record<string, unknown> {
  return {
    client_token: auth.client_token,
    accessor: auth.accessor,
    policies: auth.policies,
    ...(auth.token_policies && auth.token_policies.length > 0
      ? { token_policies: auth.token_policies }
      : {}),
    metadata: auth.metadata === null ? null : sortKeysDeep(auth.metadata),
    lease_duration: auth.lease_duration,
    renewable: auth.renewable,
    entity_id: auth.entity_id,
    token_type: auth.token_type,
    orphan: auth.orphan,
    mfa_requirement: null,
    num_uses: auth.num_uses,
  };
}

/**
 * The wrapper JSON text. `injectTopLevel` mirrors Vault's HTTPSysInjector: for /v1/sys/ paths
 * the members of `data` are also written at the top level, before the wrapper keys.
 */
export function wrapperJson(
  requestId: string,
  fields: WrapperFields,
  wrapInfo: WrapInfo | null,
  injectTopLevel: boolean,
): string {
  const data = fields.data === undefined ? null : sortKeysDeep(fields.data);
  const members: string[] = [];
  if (injectTopLevel && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    for (const [key, value] of Object.entries(data)) {
      members.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    }
  }
  const body = {
    request_id: requestId,
    lease_id: fields.leaseId ?? '',
    renewable: fields.renewable ?? false,
    lease_duration: fields.leaseDuration ?? 0,
    data,
    wrap_info: wrapInfo,
    warnings: fields.warnings && fields.warnings.length > 0 ? fields.warnings : null,
    auth: fields.auth ? orderedAuth(fields.auth) : null,
    mount_type: fields.mountType,
  };
  for (const [key, value] of Object.entries(body)) {
    members.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return `{${members.join(',')}}`;
}

/** Vault's error body. */
export function errorsJson(errors: string[]): string {
  return JSON.stringify({ errors });
}
