/**
 * Vault's response wrapper as keyturn uses it (camelCase, units in names). On the wire it is
 * snake_case with seconds; `parse-response.ts` converts it, once, at the wire boundary (from
 * untyped JSON, checking each field), so nothing past the client sees a snake_case field.
 *
 * Field mapping (wire → keyturn):
 *   request_id → requestId, lease_id → leaseId ("" when none), renewable → renewable,
 *   lease_duration → leaseDurationMs, data → data (as sent: engine data is not renamed),
 *   wrap_info → wrapInfo, warnings → warnings, auth → auth, mount_type → mountType;
 *   auth.client_token → clientToken, auth.token_policies → tokenPolicies,
 *   auth.identity_policies → identityPolicies ([] when omitted), auth.metadata → metadata
 *   ({} when null), auth.lease_duration → leaseDurationMs, auth.entity_id → entityId,
 *   auth.token_type → tokenType, auth.num_uses → numUses;
 *   wrap_info.ttl → ttlMs, wrap_info.creation_time → creationTime,
 *   wrap_info.creation_path → creationPath, wrap_info.wrapped_accessor → wrappedAccessor.
 */

/** `LIST` goes on the wire as `GET ?list=true` (see wire-request.ts for why). */
export type VaultMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'LIST';

export interface VaultAuth {
  clientToken: string;
  /** Accessors are not secret: they may be logged, and are never registered for redaction. */
  accessor: string;
  policies: string[];
  tokenPolicies: string[];
  identityPolicies: string[];
  metadata: Record<string, string>;
  /** Vault's seconds, converted once by parse-response.ts. */
  leaseDurationMs: number;
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
  ttlMs: number;
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
  /** Vault's seconds, converted once by parse-response.ts. */
  leaseDurationMs: number;
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
