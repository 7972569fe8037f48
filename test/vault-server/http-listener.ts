import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ListMethodSocket } from './list-method-socket.ts';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The listening socket, separate from server state so tests can stop it (connection refused,
 * every open socket destroyed) and start it again on the same port. Connections go through
 * ListMethodSocket into an HTTP server that never listens itself.
 */
export class HttpListener {
  readonly #server: NetServer;
  readonly #sockets = new Set<Socket>();
  port = 0;
  /** 127.0.0.1 unless start() was given another address. */
  host = '127.0.0.1';
  /** TCP connections accepted so far (tests check that clients keep connections alive). */
  accepted = 0;

  constructor(handler: RequestHandler, tls?: { cert: string; key: string }) {
    const http = createHttpServer(handler);
    const accept = (socket: Socket) => {
      // As node:http's own server does: without it, Nagle holds a response's body behind its
      // headers until the client's delayed ACK, adding ~40 ms to every keep-alive request.
      socket.setNoDelay(true);
      http.emit('connection', new ListMethodSocket(socket));
    };
    this.#server = tls
      ? createTlsServer({ cert: tls.cert, key: tls.key }, accept)
      : createNetServer(accept);
    // Track raw TCP sockets (before TLS) so stop() also kills half-done handshakes.
    this.#server.on('connection', (socket: Socket) => {
      this.accepted += 1;
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    if (tls) this.#server.on('tlsClientError', () => {});
  }

  get listening(): boolean {
    return this.#server.listening;
  }

  /** Listens on `host` (port 0 = any free port the first time; later the same port and host). */
  start(port = this.port, host = this.host): Promise<number> {
    this.host = host;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        const address = this.#server.address();
        this.port = typeof address === 'object' && address ? address.port : port;
        resolve(this.port);
      });
    });
  }

  /** Stops listening and destroys every open connection, so clients see refusals and resets. */
  stop(): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
      this.#sockets.clear();
    });
  }
}
