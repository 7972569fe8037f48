import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/keyturn-error.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { createVaultClient } from '../../src/vault/client.ts';
import { VaultTransportError } from '../../src/vault/errors.ts';
import type { VaultTlsOptions } from '../../src/vault/tls-options.ts';
import { makeTestPki, type TestPki, writeTestPki } from './test-certs.ts';
import { json, startServer, type TestServer } from './test-server.ts';

let pki: TestPki;
let dir: string;
let files: Awaited<ReturnType<typeof writeTestPki>>;
let server: TestServer;
let mtlsServer: TestServer;

beforeAll(async () => {
  pki = await makeTestPki();
  dir = await mkdtemp(join(tmpdir(), 'keyturn-tls-'));
  files = await writeTestPki(pki, dir);
  const ok = (_req: unknown, res: Parameters<typeof json>[0]) =>
    json(res, 200, { data: { ok: true } });
  server = await startServer(ok, { cert: pki.serverCertPem, key: pki.serverKeyPem });
  mtlsServer = await startServer(ok, {
    cert: pki.serverCertPem,
    key: pki.serverKeyPem,
    ca: pki.caPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
});
afterAll(async () => {
  await server?.close();
  await mtlsServer?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const clients: Array<{ close(): void }> = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function call(tls: VaultTlsOptions, address = server.url) {
  const client = createVaultClient({ address, timeoutMs: 3000, redactor: new Redactor(), tls });
  clients.push(client);
  return client.request<{ ok: boolean }>('GET', 'sys/leader');
}

async function failure(promise: Promise<unknown>): Promise<VaultTransportError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VaultTransportError);
  return err as VaultTransportError;
}

describe('server verification', () => {
  it('rejects a certificate from an unknown CA, says so, and is not transient', async () => {
    const err = await failure(call({}));
    expect(err.kind).toBe('tls-untrusted');
    expect(err.transient).toBe(false);
    expect(err.mayHaveReachedVault).toBe(false);
    expect(err.message).toContain('not trusted');
    expect(err.message).toContain('VAULT_CACERT');
  });

  it('accepts it with caCert', async () => {
    await expect(call({ caCert: files.ca })).resolves.toMatchObject({ data: { ok: true } });
  });

  it('accepts it with caPath (skipping files that hold no certificate)', async () => {
    await expect(call({ caPath: files.caPath })).resolves.toMatchObject({ data: { ok: true } });
  });

  it('accepts an IP address with serverName naming the certificate', async () => {
    await expect(call({ caCert: files.ca, serverName: 'vault.internal' })).resolves.toBeDefined();
  });

  it('rejects a serverName the certificate does not cover', async () => {
    const err = await failure(call({ caCert: files.ca, serverName: 'other.example' }));
    expect(err.kind).toBe('tls-untrusted');
    expect(err.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('accepts anything with skipVerify: true, and only with true', async () => {
    await expect(call({ skipVerify: true })).resolves.toBeDefined();
    await failure(call({ skipVerify: 'false' as unknown as boolean }));
  });
});

describe('client certificates', () => {
  it('authenticates with clientCert and clientKey', async () => {
    const tls = { caCert: files.ca, clientCert: files.clientCert, clientKey: files.clientKey };
    await expect(call(tls, mtlsServer.url)).resolves.toBeDefined();
  });

  it('fails the handshake without one, not transient', async () => {
    const err = await failure(call({ caCert: files.ca }, mtlsServer.url));
    expect(err.kind).toBe('tls');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
  });
});

describe('files are read at creation', () => {
  const create = (tls: VaultTlsOptions) => () =>
    createVaultClient({
      address: 'https://127.0.0.1:8200',
      timeoutMs: 1000,
      redactor: new Redactor(),
      tls,
    });

  it.each([
    [{ caCert: '/nonexistent/ca.pem' }, /tls\.caCert file "\/nonexistent\/ca\.pem" \(ENOENT\)/],
    [{ caPath: '/nonexistent' }, /tls\.caPath directory "\/nonexistent" \(ENOENT\)/],
    [{ clientCert: '/x.pem' }, /must be set together/],
  ])('%j fails with a UsageError', (tls, message) => {
    expect(create(tls)).toThrow(UsageError);
    expect(create(tls)).toThrow(message);
  });

  it('names a caCert that holds no certificate, without quoting it', async () => {
    const bogus = join(dir, 'bogus.pem');
    await writeFile(bogus, 'hvs.not-a-cert');
    expect(create({ caCert: bogus })).toThrow(
      `tls.caCert file "${bogus}" holds no PEM certificate`,
    );
  });

  it('names a client key that does not match its certificate', async () => {
    const otherKey = join(dir, 'other-key.pem');
    await writeFile(otherKey, pki.serverKeyPem);
    expect(create({ clientCert: files.clientCert, clientKey: otherKey })).toThrow(
      /tls\.clientCert\/clientKey/,
    );
  });

  it('ignores TLS files for an http:// address', () => {
    const client = createVaultClient({
      address: 'http://127.0.0.1:8200',
      timeoutMs: 1000,
      redactor: new Redactor(),
      tls: { caCert: '/nonexistent' },
    });
    client.close();
  });
});
