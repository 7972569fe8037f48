/** What the renewer renews; one label value of the metrics. */
export type RenewalKind = 'token' | 'lease' | 'cert' | 'refresh';

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
}

/** Metrics that go nowhere, when no endpoint is configured. */
export const noMetrics: RenewerMetrics = {
  tokenTtl: () => undefined,
  renewal: () => undefined,
  leaseTtl: () => undefined,
  lastSuccess: () => undefined,
};
