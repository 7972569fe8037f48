import { Counter, Gauge, Registry } from 'prom-client';
import {
  type Expiries,
  type RenewalKind,
  type RenewerMetrics,
  renewalKinds,
} from '../agent/renewer-metrics.ts';
import { type Clock, systemClock } from '../timing/clock.ts';

/** The renewer's Prometheus metrics: its own registry, so nothing global leaks in or out. */
export interface PromMetrics {
  metrics: RenewerMetrics;
  registry: Registry;
}

/** What `keyturn_build_info` says. */
export interface BuildInfo {
  version: string;
}

/**
 * RenewerMetrics backed by prom-client gauges and counters (`--metrics-addr`). Expiries are
 * timestamps read from the renewer at each scrape: a TTL gauge freezes between renewals, a
 * timestamp does not need to move (`keyturn_certificate_expiry_timestamp_seconds - time() <
 * 86400` is the alert people write first). Counters start at 0 for every kind, so `rate()`
 * and `increase()` see the first failure.
 */
export function createPromMetrics(build: BuildInfo, clock: Clock = systemClock): PromMetrics {
  const registry = new Registry();
  const registers = [registry];
  let expiries: (() => Expiries) | undefined;
  new Gauge({
    name: 'keyturn_build_info',
    help: 'Always 1; the labels say which keyturn and which Node.js run',
    labelNames: ['version', 'nodejs_version'],
    registers,
  }).set({ version: build.version, nodejs_version: process.version }, 1);
  const tokenTtl = new Gauge({
    name: 'keyturn_token_ttl_seconds',
    help: 'Seconds the Vault token had left at its last login or renewal',
    registers,
  });
  new Gauge({
    name: 'keyturn_token_expiry_timestamp_seconds',
    help: 'Unix time at which the Vault token expires unless renewed (+Inf: it never expires)',
    registers,
    collect() {
      // NaN only in the instant before the renewer holds its token: no alert fires on it.
      const held = expiries?.();
      this.set(held ? (held.tokenExpiresAtMs ?? Number.POSITIVE_INFINITY) / 1000 : Number.NaN);
    },
  });
  new Gauge({
    name: 'keyturn_lease_expiry_timestamp_seconds',
    help: 'Unix time at which each lease of a leased secret expires unless renewed, by Vault path',
    labelNames: ['path', 'lease_id'],
    registers,
    collect() {
      this.reset();
      for (const lease of expiries?.().leases ?? []) {
        this.set({ path: lease.path, lease_id: lease.leaseId }, lease.expiresAtMs / 1000);
      }
    },
  });
  new Gauge({
    name: 'keyturn_certificate_expiry_timestamp_seconds',
    help: 'Unix time of the notAfter of each certificate keyturn keeps, by file',
    labelNames: ['path', 'common_name'],
    registers,
    collect() {
      this.reset();
      for (const cert of expiries?.().certs ?? []) {
        this.set({ path: cert.path, common_name: cert.commonName }, cert.notAfterMs / 1000);
      }
    },
  });
  const renewals = new Counter({
    name: 'keyturn_renewals_total',
    help: 'Successful renewals (token, lease, cert re-issue, KV refresh)',
    labelNames: ['kind'],
    registers,
  });
  const failures = new Counter({
    name: 'keyturn_renewal_failures_total',
    help: 'Failed renewal attempts (each retry counts)',
    labelNames: ['kind'],
    registers,
  });
  for (const kind of renewalKinds) {
    renewals.inc({ kind }, 0);
    failures.inc({ kind }, 0);
  }
  const lastSuccess = new Gauge({
    name: 'keyturn_last_success_timestamp_seconds',
    help: 'Unix time of the last successful renewal of each kind',
    labelNames: ['kind'],
    registers,
  });
  const leaseTtl = new Gauge({
    name: 'keyturn_lease_ttl_seconds',
    help: 'Seconds a leased secret had left at its last renewal or fetch, by Vault path',
    labelNames: ['path'],
    registers,
  });
  const writeFailed = new Gauge({
    name: 'keyturn_output_last_write_failed',
    help: '1 when the last write of an output group failed (its old files stay), else 0',
    labelNames: ['group'],
    registers,
  });
  const metrics: RenewerMetrics = {
    tokenTtl: (seconds) => tokenTtl.set(seconds),
    renewal: (kind: RenewalKind, ok) => (ok ? renewals : failures).inc({ kind }),
    leaseTtl: (path, seconds) => leaseTtl.set({ path }, seconds),
    lastSuccess: (kind) => lastSuccess.set({ kind }, clock.now() / 1000),
    watchExpiries: (read) => {
      expiries = read;
    },
    outputWrite: (group, failed) => writeFailed.set({ group }, failed ? 1 : 0),
  };
  return { metrics, registry };
}
