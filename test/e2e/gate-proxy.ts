import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does with one request: `forward` it; `hold-answer` forwards it (so Vault
 * acts on it) but never sends Vault's answer back — a timeout after sending;
 * `forward-then-refuse` answers, then stops listening, so the next connection is refused
 * before a byte is sent (until `listenAgain()`).
 */
export type GateAction = 'forward' | 'hold-answer' | 'forward-then-refuse';

export interface GateProxy extends AsyncDisposable {
  readonly addr: string;
  /** Listens again on the same port after `forward-then-refuse`. */
  listenAgain(): Promise<void>;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function forwardTo(target: URL, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, connection: 'close' };
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers });
    upstream.on('error', reject);
    upstream.on('response', (res) =>
      readAll(res).then(
        (answer) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: answer }),
        reject,
      ),
    );
    upstream.end(body);
  });
}

function send(res: ServerResponse, answer: Upstream, close: boolean): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !['connection', 'transfer-encoding', 'keep-alive'].includes(name))
      headers[name] = value;
  }
  headers['content-length'] = String(answer.body.length);
  // Why: the client must not reuse this socket, or its next call would not be "refused".
  if (close) headers.connection = 'close';
  res.writeHead(answer.status, headers).end(answer.body);
}

/**
 * An HTTP proxy in front of the test server that treats chosen paths (without `/v1/`)
 * differently, to make "the request reached Vault" versus "it never left" deterministic.
 */
export async function startGateProxy(
  targetAddr: string,
  decide: (path: string) => GateAction,
): Promise<GateProxy> {
  const target = new URL(targetAddr);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readAll(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/v1\//, '');
    const action = decide(path);
    const answer = await forwardTo(target, req, body).catch(() => undefined);
    if (!answer) return void res.destroy();
    if (action === 'hold-answer') return; // the client times out; its socket closes it
    if (action === 'forward-then-refuse') server?.close();
    send(res, answer, action === 'forward-then-refuse');
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((req, res) => void handle(req, res));
      next.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });

  await listen();
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      server?.listening ? server.close(() => resolve()) : resolve(),
    );
  };
  return {
    addr: `http://127.0.0.1:${port}`,
    listenAgain: () => (server?.listening ? Promise.resolve() : listen()),
    close,
    [Symbol.asyncDispose]: close,
  };
}
