/**
 * Vault's response wrapper as it travels (snake_case, seconds) and as keyturn uses it
 * (camelCase, units in names). `parse-response.ts` converts one into the other, once, at
 * the wire boundary; nothing past the client sees a snake_case wrapper field.
 *
 * Field mapping (wire → keyturn):
 *   request_id → requestId, lease_id → leaseId ("" when none), renewable → renewable,
 *   lease_duration → leaseDurationSeconds, data → data (as sent: engine data is not renamed),
 *   wrap_info → wrapInfo, warnings → warnings, auth → auth, mount_type → mountType;
 *   auth.client_token → clientToken, auth.token_policies → tokenPolicies,
 *   auth.identity_policies → identityPolicies ([] when omitted), auth.metadata → metadata
 *   ({} when null), auth.lease_duration → leaseDurationSeconds, auth.entity_id → entityId,
 *   auth.token_type → tokenType, auth.num_uses → numUses;
 *   wrap_info.ttl → ttlSeconds, wrap_info.creation_time → creationTime,
 *   wrap_info.creation_path → creationPath, wrap_info.wrapped_accessor → wrappedAccessor.
 */

/** `LIST` goes on the wire as `GET ?list=true` (see vault-client.ts for why). */
export type VaultMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'LIST';

export interface WireAuth {
  client_token: string;
  accessor: string;
  policies: string[] | null;
  token_policies: string[] | null;
  identity_policies?: string[] | null;
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: string;
  orphan: boolean;
  num_uses: number;
}

export interface WireWrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

export interface WireResponse {
  request_id: string;
  lease_id: string;
  renewable: boolean;
  lease_duration: number;
  data: unknown;
  wrap_info: WireWrapInfo | null;
  warnings: string[] | null;
  auth: WireAuth | null;
  mount_type?: string;
}

/** The body of a routed error (status ≥ 400). */
export interface WireErrorBody {
  errors: string[];
}

export interface VaultAuth {
  clientToken: string;
  /** Accessors are not secret: they may be logged, and are never registered for redaction. */
  accessor: string;
  policies: string[];
  tokenPolicies: string[];
  identityPolicies: string[];
  metadata: Record<string, string>;
  leaseDurationSeconds: number;
  renewable: boolean;
  entityId: string;
  /** `service` or `batch`. */
  tokenType: string;
  orphan: boolean;
  /** 0 = unlimited. */
  numUses: number;
}

export interface WrapInfo {
  token: string;
  accessor: string;
  ttlSeconds: number;
  /** RFC 3339 with nanoseconds, as Vault sends it. */
  creationTime: string;
  /** The path whose response was wrapped: checked against interception (SPEC §4). */
  creationPath: string;
  /** For a wrapped secret ID: that secret ID's accessor (Vault ≥ 1.9), else "". */
  wrappedAccessor: string;
}

/** A parsed wrapper. `data` is NOT validated here: callers check the fields they use. */
export interface VaultResponse<T> {
  requestId: string;
  leaseId: string;
  renewable: boolean;
  leaseDurationSeconds: number;
  data: T;
  wrapInfo: WrapInfo | null;
  warnings: string[] | null;
  auth: VaultAuth | null;
  mountType?: string;
}

/** An endpoint answering raw JSON (sys/health, sys/seal-status, sys/init, sys/unseal). */
export interface RawVaultResponse<T> {
  status: number;
  /** Parsed JSON; undefined for an empty body (204, HEAD). */
  body: T | undefined;
}
