import { describe, expect, it } from 'vitest';
import type { Expiries } from '../../src/agent/renewer-metrics.ts';
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
    const { metrics, registry } = createPromMetrics(
      { version: '1.2.3' },
      { now: () => 1_700_000_000_000 },
    );
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
    expect(text).toContain(
      `keyturn_build_info{version="1.2.3",nodejs_version="${process.version}"} 1`,
    );
  });

  it('starts every counter at 0 for every kind', async () => {
    const { registry } = createPromMetrics({ version: 'test' });
    const text = await registry.metrics();
    for (const name of ['keyturn_renewals_total', 'keyturn_renewal_failures_total']) {
      for (const kind of ['token', 'lease', 'cert', 'refresh']) {
        expect(text).toContain(`${name}{kind="${kind}"} 0`);
      }
    }
  });

  it('reads expiry timestamps from the renewer at each scrape, never a stale one', async () => {
    const { metrics, registry } = createPromMetrics({ version: 'test' });
    const before = await registry.metrics();
    expect(before).toMatch(/^keyturn_token_expiry_timestamp_seconds NaN$/im);
    expect(before).not.toMatch(/^keyturn_(lease|certificate)_expiry_timestamp_seconds/m);
    const held: Expiries = {
      tokenExpiresAtMs: 1_700_000_100_000,
      leases: [
        {
          path: 'database/creds/app',
          leaseId: 'database/creds/app/L1',
          expiresAtMs: 1_700_000_200_500,
        },
      ],
      certs: [
        {
          path: '/run/tls/web.pem',
          commonName: 'web.service.consul',
          notAfterMs: 1_700_086_400_000,
        },
      ],
    };
    metrics.watchExpiries(() => held);
    const first = await registry.metrics();
    expect(first).toContain('keyturn_token_expiry_timestamp_seconds 1700000100');
    expect(first).toContain(
      'keyturn_lease_expiry_timestamp_seconds{path="database/creds/app",lease_id="database/creds/app/L1"} 1700000200.5',
    );
    expect(first).toContain(
      'keyturn_certificate_expiry_timestamp_seconds{path="/run/tls/web.pem",common_name="web.service.consul"} 1700086400',
    );
    // A renewal replaces the lease and the token becomes one that never expires.
    held.leases = [
      {
        path: 'database/creds/app',
        leaseId: 'database/creds/app/L2',
        expiresAtMs: 1_700_000_300_000,
      },
    ];
    delete held.tokenExpiresAtMs;
    const second = await registry.metrics();
    expect(second).not.toContain('L1');
    expect(second).toContain('lease_id="database/creds/app/L2"} 1700000300');
    expect(second).toContain('keyturn_token_expiry_timestamp_seconds +Inf');
  });

  it('keeps one "last write failed" gauge per output group', async () => {
    const { metrics, registry } = createPromMetrics({ version: 'test' });
    metrics.outputWrite('secret/app/db', false);
    metrics.outputWrite('cert web.service.consul', false);
    metrics.outputWrite('cert web.service.consul', true);
    const text = await registry.metrics();
    expect(text).toContain('keyturn_output_last_write_failed{group="secret/app/db"} 0');
    expect(text).toContain('keyturn_output_last_write_failed{group="cert web.service.consul"} 1');
  });
});

describe('startMetricsServer', () => {
  it('serves /metrics on a free port, 404 elsewhere, and closes', async () => {
    const out = await createOutput({ level: 'silent', format: 'json' });
    const server = await startMetricsServer('127.0.0.1:0', out, { version: 'test' });
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
