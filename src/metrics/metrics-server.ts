import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RenewerMetrics } from '../agent/renewer-metrics.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Output } from '../log/output.ts';
import { parseListenAddress } from './listen-address.ts';
import { type BuildInfo, createPromMetrics } from './prom-metrics.ts';

export interface MetricsServer {
  metrics: RenewerMetrics;
  /** `host:port` actually bound (port 0 becomes the real port). */
  address: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` in the Prometheus text format on `--metrics-addr`. Loaded only when
 * the flag is given: prom-client is not paid for otherwise. Serves numbers only: no token,
 * accessor or secret is ever a label.
 */
export async function startMetricsServer(
  addr: string,
  out: Output,
  build: BuildInfo,
): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(addr);
  const { metrics, registry } = createPromMetrics(build);
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await listen(server, host, port, addr);
  const bound = server.address() as AddressInfo;
  const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  out.log.info({ address }, 'serving Prometheus metrics at /metrics');
  return {
    metrics,
    address,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive must not hold the stop up
      }),
  };
}

function listen(server: Server, host: string, port: number, addr: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new UsageError(`--metrics-addr ${addr}: cannot listen (${error.code ?? error.message})`, {
          cause: error,
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
}
