/** The service account a Kubernetes JWT names (path_login.go's serviceAccount). */
export interface ServiceAccount {
  name: string;
  namespace: string;
  /** "" when the token carries none (login then fails with 500, as in Vault). */
  uid: string;
  /** Legacy secret-based tokens only; "" for projected tokens. */
  secretName: string;
  audiences: string[];
}

const LEGACY = 'kubernetes.io/serviceaccount/';

function text(value: unknown): string {
  // Simplification: Vault's mapstructure decode fails (500) on a non-string; here it is "".
  return typeof value === 'string' ? value : '';
}

function object(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Legacy secret tokens carry flat `kubernetes.io/serviceaccount/...` claims; projected tokens a
 * `kubernetes.io` object. The projected one wins when present: its `namespace` always (even
 * empty), its `serviceaccount.name`/`uid` when that sub-object exists.
 */
export function serviceAccountOf(claims: Record<string, unknown>): ServiceAccount {
  const projected = object(claims['kubernetes.io']);
  const account = object(projected?.serviceaccount);
  const aud = claims.aud;
  return {
    name: account ? text(account.name) : text(claims[`${LEGACY}service-account.name`]),
    namespace: projected ? text(projected.namespace) : text(claims[`${LEGACY}namespace`]),
    uid: account ? text(account.uid) : text(claims[`${LEGACY}service-account.uid`]),
    secretName: text(claims[`${LEGACY}secret.name`]),
    audiences: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(text) : [],
  };
}
