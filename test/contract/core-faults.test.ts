import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';

describe('test controls: faults, listener, TLS, request log', () => {
  let server: VaultServer;
  afterEach(() => server.close());

  it('failNext answers the next n matching requests with the given status, errors and Retry-After', async () => {
    server = await startVaultServer();
    server.failNext(2, {
      status: 429,
      path: 'auth/token/lookup-self',
      errors: ['rate limited'],
      retryAfterSeconds: 3,
    });
    const health = await server.read('sys/health', null);
    expect(health.status).toBe(200);
    const first = await server.read('auth/token/lookup-self');
    expect(first).toMatchObject({ status: 429, body: { errors: ['rate limited'] } });
    expect(first.headers['retry-after']).toBe('3');
    expect((await server.read('auth/token/lookup-self')).status).toBe(429);
    expect((await server.read('auth/token/lookup-self')).status).toBe(200);
  });

  it('failNext matches a RegExp and defaults to empty errors', async () => {
    server = await startVaultServer();
    server.failNext(1, { status: 500, path: /^secret\// });
    expect(await server.read('secret/data/x')).toMatchObject({ status: 500, body: { errors: [] } });
    expect((await server.read('secret/data/x')).status).toBe(404);
  });

  it('delays responses by setLatency', async () => {
    server = await startVaultServer();
    server.setLatency(150);
    const started = performance.now();
    await server.read('sys/health', null);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    server.setLatency(0);
  });

  it('stop() refuses connections, start() serves again on the same port with state kept', async () => {
    server = await startVaultServer();
    const { port, addr } = server;
    await server.write('secret/data/kept', { data: { v: '1' } });
    await server.stop();
    await expect(server.read('sys/health', null)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await server.start();
    expect(server.port).toBe(port);
    expect(server.addr).toBe(addr);
    expect((await server.read('secret/data/kept')).body.data.data).toEqual({ v: '1' });
  });

  it('restart({sealed: true}) comes back sealed', async () => {
    server = await startVaultServer();
    await server.restart({ sealed: true });
    expect((await server.read('sys/health', null)).status).toBe(503);
  });

  it('serves TLS with a throwaway CA written to caCertFile; an untrusting client fails', async () => {
    server = await startVaultServer({ tls: true });
    expect(server.addr).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await readFile(server.caCertFile as string, 'utf8')).toBe(server.caCertPem);
    expect((await server.read('sys/health', null)).status).toBe(200);
    const untrusted = new Promise((resolve, reject) => {
      const req = httpsRequest(`${server.addr}/v1/sys/health`, { agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    await expect(untrusted).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('waitFor resolves on a future request and rejects on timeout listing recent requests', async () => {
    server = await startVaultServer();
    const waiting = server.waitFor((r) => r.path === 'auth/token/lookup-self');
    await server.read('sys/health', null);
    await server.read('auth/token/lookup-self');
    expect((await waiting).status).toBe(200);
    await expect(server.waitFor((r) => r.path === 'never', { timeoutMs: 50 })).rejects.toThrow(
      /no matching request within 50 ms; recent requests:\n {2}GET sys\/health → 200\n {2}GET auth\/token\/lookup-self → 200/,
    );
  });

  it('setStandby changes sys/health only; requests are still served as a standby forwards them', async () => {
    server = await startVaultServer();
    server.setStandby(true);
    const health = await server.read('sys/health', null);
    expect(health.status).toBe(429);
    expect(health.body.standby).toBe(true);
    expect((await server.read('auth/token/lookup-self')).status).toBe(200);
  });
});
