import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/keyturn-error.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { createVaultClient, type VaultClient } from '../../src/vault/client.ts';
import { VaultTransportError } from '../../src/vault/errors.ts';
import { json, startServer, waitFor } from './test-server.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(address: string, timeoutMs = 2000): VaultClient {
  const created = createVaultClient({ address, timeoutMs, redactor: new Redactor() });
  cleanups.push(() => created.close());
  return created;
}

async function transportError(promise: Promise<unknown>): Promise<VaultTransportError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VaultTransportError);
  return err as VaultTransportError;
}

/** A raw TCP server (for servers that misbehave below HTTP). */
async function tcpServer(onSocket: (socket: Socket) => void) {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return (server.address() as { port: number }).port;
}

/** A port nobody listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('transport failures', () => {
  it('connection refused: never reached Vault, exit 69, transient', async () => {
    const port = await closedPort();
    const err = await transportError(
      client(`http://127.0.0.1:${port}`).request('POST', 'sys/wrapping/unwrap'),
    );
    expect(err.kind).toBe('refused');
    expect(err.mayHaveReachedVault).toBe(false);
    expect(err.transient).toBe(true);
    expect(err.exitCode).toBe(ExitCode.unavailable);
    expect(err.message).toContain(`http://127.0.0.1:${port} for POST sys/wrapping/unwrap`);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('server reads the request then destroys the socket: may have reached Vault', async () => {
    const port = await tcpServer((socket) => {
      socket.once('data', () => socket.destroy());
    });
    const err = await transportError(
      client(`http://127.0.0.1:${port}`).request('POST', 'auth/approle/login', {
        body: { secret_id: 'one-time-secret-id' },
      }),
    );
    expect(err.kind).toBe('reset');
    expect(err.mayHaveReachedVault).toBe(true);
    expect(err.message).not.toContain('one-time-secret-id');
  });

  it('timeout after the headers arrived: may have reached Vault', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"request_id":'); // then never finishes
    });
    cleanups.push(() => server.close());
    const err = await transportError(
      client(server.url, 150).request('POST', 'sys/wrapping/unwrap'),
    );
    expect(err.kind).toBe('timeout');
    expect(err.mayHaveReachedVault).toBe(true);
    expect(err.transient).toBe(true);
    expect(err.message).toContain('no complete answer within 150 ms');
  });

  it('timeout during the TLS handshake: the request was never sent', async () => {
    const port = await tcpServer(() => {}); // accepts TCP, never speaks TLS
    const err = await transportError(
      client(`https://127.0.0.1:${port}`, 150).request('POST', 'sys/wrapping/unwrap'),
    );
    expect(err.kind).toBe('timeout');
    expect(err.mayHaveReachedVault).toBe(false);
    expect(err.message).toContain('no connection within 150 ms');
  });

  it('a non-HTTP peer is a protocol error, not worth retrying', async () => {
    const port = await tcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    const err = await transportError(
      client(`http://127.0.0.1:${port}`).request('GET', 'sys/health'),
    );
    expect(err.kind).toBe('protocol');
    expect(err.transient).toBe(false);
  });

  it('an abort rejects with the signal’s reason and frees the socket', async () => {
    const server = await startServer(() => {}); // never answers
    cleanups.push(() => server.close());
    const controller = new AbortController();
    const pending = client(server.url).request('GET', 'sys/health', { signal: controller.signal });
    await waitFor(() => server.requests.length === 1);
    const reason = new Error('stopping');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await waitFor(() => server.sockets.every((socket) => socket.closed));
  });
});

describe('keep-alive', () => {
  it('reuses one socket for sequential requests, and close() releases it', async () => {
    const server = await startServer((_req, res) => json(res, 200, { data: {} }));
    cleanups.push(() => server.close());
    const vault = client(server.url);
    for (let i = 0; i < 3; i++) await vault.request('GET', 'sys/leader');
    expect(server.requests).toHaveLength(3);
    expect(server.sockets).toHaveLength(1);
    vault.close();
    await waitFor(() => server.sockets[0]?.closed === true);
  });
});
