import { describe, expect, it } from 'vitest';
import { createOutput } from '../../src/log/output.ts';
import { parseListenAddress } from '../../src/metrics/listen-address.ts';
import { startMetricsServer } from '../../src/metrics/metrics-server.ts';
import { createPromMetrics } from '../../src/metrics/prom-metrics.ts';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9100', { host: '127.0.0.1', port: 9100 }],
    [':9100', { host: '0.0.0.0', port: 9100 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['localhost:65535', { host: 'localhost', port: 65535 }],
  ])('%s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(['9100', '127.0.0.1', 'host:port', 'a:65536', '::1:80', ''])(
    'refuses %j with 64',
    (text) => {
      expect(() => parseListenAddress(text)).toThrow(expect.objectContaining({ exitCode: 64 }));
    },
  );
});

describe('createPromMetrics', () => {
  it('turns the renewer callbacks into Prometheus series', async () => {
    const { metrics, registry } = createPromMetrics({ now: () => 1_700_000_000_000 });
    metrics.tokenTtl(3600);
    metrics.renewal('token', true);
    metrics.renewal('token', true);
    metrics.renewal('lease', false);
    metrics.lastSuccess('token');
    metrics.leaseTtl('database/creds/app', 120);
    const text = await registry.metrics();
    expect(text).toContain('keyturn_token_ttl_seconds 3600');
    expect(text).toContain('keyturn_renewals_total{kind="token"} 2');
    expect(text).toContain('keyturn_renewal_failures_total{kind="lease"} 1');
    expect(text).toContain('keyturn_last_success_timestamp_seconds{kind="token"} 1700000000');
    expect(text).toContain('keyturn_lease_ttl_seconds{path="database/creds/app"} 120');
  });
});

describe('startMetricsServer', () => {
  it('serves /metrics on a free port, 404 elsewhere, and closes', async () => {
    const out = await createOutput({ level: 'silent', format: 'json' });
    const server = await startMetricsServer('127.0.0.1:0', out);
    try {
      server.metrics.tokenTtl(42);
      const ok = await fetch(`http://${server.address}/metrics`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toContain('text/plain');
      expect(await ok.text()).toContain('keyturn_token_ttl_seconds 42');
      expect((await fetch(`http://${server.address}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(`http://${server.address}/metrics`)).rejects.toThrow();
  });
});
