/** What the renewer renews, in the order the metrics list them; one label value each. */
export const renewalKinds = ['token', 'lease', 'cert', 'refresh'] as const;
export type RenewalKind = (typeof renewalKinds)[number];

/**
 * What will expire, as the renewer holds it at this instant (epoch ms). Read at every scrape,
 * so a timestamp is never older than the holding it describes.
 */
export interface Expiries {
  /** Undefined: the token never expires (TTL 0); the metric says +Inf. */
  tokenExpiresAtMs?: number;
  leases: { path: string; leaseId: string; expiresAtMs: number }[];
  /** `path`: the certificate's file. */
  certs: { path: string; commonName: string; notAfterMs: number }[];
}

/**
 * Plain callbacks the renewer calls as it works; `--metrics-addr` implements them with
 * prom-client. Kept as an interface so the renewer neither loads nor knows about Prometheus.
 */
export interface RenewerMetrics {
  /** Seconds the token has left, after a login or renewal. */
  tokenTtl(seconds: number): void;
  /** One renewal (or re-fetch, re-issue, refresh) attempt and whether it worked. */
  renewal(kind: RenewalKind, ok: boolean): void;
  /** Seconds a leased secret (by its Vault path) has left, after it was renewed or fetched. */
  leaseTtl(path: string, seconds: number): void;
  /** The last success of a kind, now. */
  lastSuccess(kind: RenewalKind): void;
  /** Called once, at start: where the expiry timestamps are read from at each scrape. */
  watchExpiries(read: () => Expiries): void;
  /**
   * The outcome of the last attempt to write one output group (SPEC §6), by its label
   * (`PlannedOutput.label`): `failed` true when its files could not be written and the old
   * ones stay. Call it for every group at start (false: the prestart wrote them all) and
   * after every write attempt of a group.
   */
  outputWrite(group: string, failed: boolean): void;
}

/** Metrics that go nowhere, when no endpoint is configured. */
export const noMetrics: RenewerMetrics = {
  tokenTtl: () => undefined,
  renewal: () => undefined,
  leaseTtl: () => undefined,
  lastSuccess: () => undefined,
  watchExpiries: () => undefined,
  outputWrite: () => undefined,
};
