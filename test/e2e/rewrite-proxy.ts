import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A hostile Vault in front of the real test server: forwards every request, and lets `rewrite`
 * change the JSON text of an answer (by path) before keyturn sees it. The test server itself
 * stays a faithful Vault; only this proxy lies.
 */
export interface RewriteProxy extends AsyncDisposable {
  readonly addr: string;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startRewriteProxy(
  upstream: string,
  rewrite: (path: string, body: string) => string,
): Promise<RewriteProxy> {
  const target = new URL(upstream);
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const headers = { ...req.headers, host: target.host, connection: 'close' };
      const answer = await new Promise<{ status: number; body: Buffer; type?: string }>(
        (resolve, reject) => {
          const up = request(new URL(req.url ?? '/', target), { method: req.method, headers });
          up.on('error', reject);
          up.on('response', (r) =>
            readAll(r).then(
              (b) =>
                resolve({ status: r.statusCode ?? 502, body: b, type: r.headers['content-type'] }),
              reject,
            ),
          );
          up.end(body);
        },
      );
      const path = new URL(req.url ?? '/', target).pathname.replace(/^\/v1\//, '');
      const text = rewrite(path, answer.body.toString('utf8'));
      res.writeHead(answer.status, {
        'content-type': answer.type ?? 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    addr: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
