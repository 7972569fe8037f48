import { Counter, Gauge, Registry } from 'prom-client';
import type { RenewalKind, RenewerMetrics } from '../agent/renewer-metrics.ts';
import { type Clock, systemClock } from '../timing/clock.ts';

/** The renewer's Prometheus metrics: its own registry, so nothing global leaks in or out. */
export interface PromMetrics {
  metrics: RenewerMetrics;
  registry: Registry;
}

/** RenewerMetrics backed by prom-client gauges and counters (`--metrics-addr`). */
export function createPromMetrics(clock: Clock = systemClock): PromMetrics {
  const registry = new Registry();
  const registers = [registry];
  const tokenTtl = new Gauge({
    name: 'keyturn_token_ttl_seconds',
    help: 'Seconds the Vault token had left at its last login or renewal',
    registers,
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
  const metrics: RenewerMetrics = {
    tokenTtl: (seconds) => tokenTtl.set(seconds),
    renewal: (kind: RenewalKind, ok) => (ok ? renewals : failures).inc({ kind }),
    leaseTtl: (path, seconds) => leaseTtl.set({ path }, seconds),
    lastSuccess: (kind) => lastSuccess.set({ kind }, clock.now() / 1000),
  };
  return { metrics, registry };
}
