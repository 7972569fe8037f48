import { createPrivateKey, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';

// Contract: the PKI engine issues real certificates, with Vault's shapes and error texts.
let server: VaultServer;
let caPem: string;

beforeAll(async () => {
  server = await startVaultServer();
  expect((await server.write('sys/mounts/pki', { type: 'pki' })).status).toBe(204);
  const root = await server.write('pki/root/generate/internal', {
    common_name: 'Keyturn Test Root',
    key_type: 'ec',
    ttl: '720h',
  });
  expect(root.status).toBe(200);
  caPem = root.body.data.certificate;
  const role = await server.write('pki/roles/web', {
    allowed_domains: 'service.consul',
    allow_subdomains: true,
    allow_localhost: true,
    key_type: 'ec',
    ttl: '72h',
    max_ttl: '96h',
  });
  expect(role.status).toBe(200);
});

afterAll(async () => {
  await server.close();
});

describe('PKI over HTTP', () => {
  it("answers root generation with the CA and Vault's fields", async () => {
    const ca = new X509Certificate(caPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=Keyturn Test Root');
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it('serves the CA at cert/ca (JSON) and ca/pem (raw PEM)', async () => {
    const json = await server.read('pki/cert/ca');
    expect(json.status).toBe(200);
    expect(json.body.data.certificate).toBe(caPem);
    const pem = await server.read('pki/ca/pem');
    expect(pem.status).toBe(200);
    expect(pem.text.trim()).toBe(caPem);
  });

  it('issues a certificate signed by the CA with the key, SANs and expiration Vault returns', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await server.write('pki/issue/web', {
      common_name: 'app.service.consul',
      alt_names: 'app',
      ip_sans: '127.0.0.1',
      format: 'pem',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(['subject alternate name app not allowed by this role']);

    const ok = await server.write('pki/issue/web', {
      common_name: 'app.service.consul',
      alt_names: 'api.service.consul,localhost',
      ip_sans: ['127.0.0.1'],
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      mount_type: 'pki',
    });
    const data = ok.body.data;
    expect(Object.keys(data).sort()).toEqual([
      'ca_chain',
      'certificate',
      'expiration',
      'issuing_ca',
      'private_key',
      'private_key_type',
      'serial_number',
    ]);
    const cert = new X509Certificate(data.certificate);
    const ca = new X509Certificate(data.issuing_ca);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(data.private_key))).toBe(true);
    expect(data.issuing_ca).toBe(caPem);
    expect(data.ca_chain).toEqual([caPem]);
    expect(cert.subject).toBe('CN=app.service.consul');
    expect(cert.subjectAltName).toBe(
      'DNS:app.service.consul, DNS:api.service.consul, DNS:localhost, IP Address:127.0.0.1',
    );
    expect(data.private_key_type).toBe('ec');
    expect(data.private_key.startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true);
    expect(data.serial_number).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(data.serial_number.replaceAll(':', '')).toBe(
      cert.serialNumber.toLowerCase().replace(/^(00)+/, ''),
    );
    expect(data.expiration * 1000).toBe(new Date(cert.validTo).getTime());
    const ttl = data.expiration - before;
    expect(ttl).toBeGreaterThanOrEqual(72 * 3600 - 5);
    expect(ttl).toBeLessThanOrEqual(72 * 3600 + 5);
  });

  it('gives a PKCS#8 key with private_key_format=pkcs8', async () => {
    const response = await server.write('pki/issue/web', {
      common_name: 'pkcs8.service.consul',
      private_key_format: 'pkcs8',
    });
    expect(response.body.data.private_key.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
  });

  it.each([
    [{ common_name: 'evil.example.org' }, 'common name evil.example.org not allowed by this role'],
    [{ common_name: 'service.consul' }, 'common name service.consul not allowed by this role'],
    [
      { common_name: 'a.service.consul', ip_sans: 'not-an-ip' },
      'the value "not-an-ip" is not a valid IP address',
    ],
  ])("refuses %j with 400 and Vault's text", async (body, text) => {
    expect(await server.write('pki/issue/web', body)).toMatchObject({
      status: 400,
      body: { errors: [text] },
    });
  });

  it('answers an unknown role with 400 unknown role', async () => {
    expect(await server.write('pki/issue/nope', { common_name: 'a.service.consul' })).toMatchObject(
      {
        status: 400,
        body: { errors: ['unknown role: nope'] },
      },
    );
  });

  it('leases the certificate (not renewable) when the role has generate_lease', async () => {
    await server.write('pki/roles/leased', {
      allowed_domains: 'service.consul',
      allow_subdomains: true,
      key_type: 'ec',
      ttl: '1h',
      generate_lease: true,
    });
    const response = await server.write('pki/issue/leased', { common_name: 'l.service.consul' });
    expect(response.body.lease_id).toMatch(/^pki\/issue\/leased\/[A-Za-z0-9]{24}$/);
    expect(response.body.renewable).toBe(false);
    expect(response.body.lease_duration).toBeGreaterThan(3590);
    const renew = await server.write('sys/leases/renew', { lease_id: response.body.lease_id });
    expect(renew).toMatchObject({ status: 400, body: { errors: ['lease is not renewable'] } });
  });
});

describe('PKI before a CA exists', () => {
  it('answers issue and ca/pem with Vault\'s "no default issuer" errors', async () => {
    await using fresh = await startVaultServer();
    await fresh.write('sys/mounts/pki', { type: 'pki' });
    await fresh.write('pki/roles/web', { allow_any_name: true, key_type: 'ec' });
    expect(await fresh.write('pki/issue/web', { common_name: 'a.example.com' })).toMatchObject({
      status: 400,
      body: {
        errors: [
          'could not fetch the CA certificate (was one set?): no default issuer currently configured',
        ],
      },
    });
    expect(await fresh.read('pki/cert/ca')).toMatchObject({
      status: 400,
      body: { errors: ['no default issuer currently configured'] },
    });
  });
});
