import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, callError, ManualClock } from './engine-harness.ts';
import { PkiEngine } from './pki-engine.ts';

async function withRoot(keyType = 'ec', options: Record<string, string> = {}) {
  const clock = new ManualClock(Date.now());
  const pki = new PkiEngine(clock, options);
  await call(pki, 'update', 'root/generate/internal', {
    body: { common_name: 'Test Root', key_type: keyType, ttl: '768h' },
  });
  return { clock, pki };
}

interface IssueData {
  certificate: string;
  issuing_ca: string;
  ca_chain: string[];
  private_key: string;
  private_key_type: string;
  serial_number: string;
  expiration: number;
}

const webRole = {
  allowed_domains: 'example.com',
  allow_subdomains: true,
  key_type: 'ec',
  ttl: '1h',
  max_ttl: '2h',
};

describe('PKI engine: root and roles', () => {
  it('generates a self-signed CA and serves it at ca/pem and cert/ca', async () => {
    const { pki } = await withRoot();
    const ca = new X509Certificate((await call(pki, 'read', 'ca/pem')).raw?.body ?? '');
    expect(ca.subject).toBe('CN=Test Root');
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    const json = (await call(pki, 'read', 'cert/ca')).data as { certificate: string };
    expect(new X509Certificate(json.certificate).fingerprint256).toBe(ca.fingerprint256);
  });

  it("caps a root TTL at the mount max with Vault's warning", async () => {
    const pki = new PkiEngine(new ManualClock(Date.now()), {});
    const response = await call(pki, 'update', 'root/generate/internal', {
      body: { common_name: 'Root', key_type: 'ec', ttl: '87600h' },
    });
    expect(response.warnings).toEqual([
      'TTL "87600h0m0s" is longer than permitted maxTTL "768h0m0s", so maxTTL is being used',
    ]);
  });

  it('takes a longer root TTL when the mount allows it', async () => {
    const clock = new ManualClock(Date.now());
    const pki = new PkiEngine(clock, { max_lease_ttl: '87600h' });
    const response = await call(pki, 'update', 'root/generate/internal', {
      body: { common_name: 'Root', key_type: 'ec', ttl: '87600h' },
    });
    const expiration = (response.data as { expiration: number }).expiration;
    expect(expiration).toBe(Math.floor(clock.now() / 1000) + 87600 * 3600);
  });

  it('stores roles with Vault defaults and rejects a ttl above max_ttl', async () => {
    const { pki } = await withRoot();
    await call(pki, 'update', 'roles/web', { body: { allowed_domains: ['example.com'] } });
    expect((await call(pki, 'read', 'roles/web')).data).toMatchObject({
      allow_localhost: true,
      allow_ip_sans: true,
      enforce_hostnames: true,
      key_type: 'rsa',
      key_bits: 2048,
      allowed_domains: ['example.com'],
      ttl: 0,
      max_ttl: 0,
      generate_lease: false,
    });
    expect(
      await callError(pki, 'update', 'roles/bad', { body: { ttl: '2h', max_ttl: '1h' } }),
    ).toMatchObject({
      status: 400,
      errors: ['"ttl" value must be less than "max_ttl" value'],
    });
    expect(await call(pki, 'list', 'roles/')).toEqual({ data: { keys: ['web'] } });
  });
});

describe('PKI engine: issue', () => {
  it('issues a real certificate signed by the CA with CN, SANs, serial and expiration', async () => {
    const { pki, clock } = await withRoot();
    await call(pki, 'update', 'roles/web', { body: webRole });
    const response = await call(pki, 'update', 'issue/web', {
      body: {
        common_name: 'app.example.com',
        alt_names: 'b.example.com,a.example.com',
        ip_sans: ['127.0.0.1'],
      },
    });
    const data = response.data as IssueData;
    const cert = new X509Certificate(data.certificate);
    const ca = new X509Certificate(data.issuing_ca);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(data.private_key))).toBe(true);
    expect(cert.subject).toBe('CN=app.example.com');
    expect(cert.subjectAltName).toBe(
      'DNS:app.example.com, DNS:a.example.com, DNS:b.example.com, IP Address:127.0.0.1',
    );
    expect(data.serial_number).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
    expect(data.serial_number.replaceAll(':', '')).toBe(
      cert.serialNumber.toLowerCase().replace(/^(00)+/, ''),
    );
    expect(data.expiration).toBe(Math.floor(clock.now() / 1000) + 3600);
    expect(new Date(cert.validTo).getTime()).toBe(data.expiration * 1000);
    expect(data.ca_chain).toEqual([data.issuing_ca]);
    expect(data.private_key_type).toBe('ec');
    expect(data.private_key).toMatch(
      /^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+-----END EC PRIVATE KEY-----$/,
    );
    expect(response.lease).toBeUndefined();
  });

  it.each([
    ['rsa', 'RSA PRIVATE KEY', 'der'],
    ['ec', 'EC PRIVATE KEY', 'der'],
    ['ed25519', 'PRIVATE KEY', 'der'],
    ['ec', 'PRIVATE KEY', 'pkcs8'],
  ])(
    'a %s role gives a "%s" key for private_key_format=%s',
    async (keyType, pemType, keyFormat) => {
      const { pki } = await withRoot();
      await call(pki, 'update', 'roles/r', { body: { ...webRole, key_type: keyType } });
      const data = (
        await call(pki, 'update', 'issue/r', {
          body: { common_name: 'x.example.com', private_key_format: keyFormat },
        })
      ).data as Record<string, string>;
      expect(data.private_key?.split('\n')[0]).toBe(`-----BEGIN ${pemType}-----`);
      expect(data.private_key_type).toBe(keyType);
      const cert = new X509Certificate(data.certificate ?? '');
      expect(cert.checkPrivateKey(createPrivateKey(data.private_key ?? ''))).toBe(true);
    },
  );

  it.each([
    [{ common_name: 'evil.org' }, 'common name evil.org not allowed by this role'],
    [
      { common_name: 'a.example.com', alt_names: 'evil.org' },
      'subject alternate name evil.org not allowed by this role',
    ],
    [
      { common_name: 'a.example.com', alt_names: 'bad_name' },
      'subject alternate name bad_name is not a valid DNS name and cannot be included as a SAN',
    ],
    [
      { common_name: 'a.example.com', ip_sans: 'nope' },
      'the value "nope" is not a valid IP address',
    ],
    [
      {},
      'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
    ],
    [
      { common_name: 'a.example.com', format: 'jks' },
      'the "format" path parameter must be "pem", "der", or "pem_bundle"',
    ],
  ])('refuses %j with 400 %s', async (body, text) => {
    const { pki } = await withRoot();
    await call(pki, 'update', 'roles/web', { body: webRole });
    expect(await callError(pki, 'update', 'issue/web', { body })).toMatchObject({
      status: 400,
      errors: [text],
    });
  });

  it('refuses IP SANs when the role does not allow them, quoting them like Go', async () => {
    const { pki } = await withRoot();
    await call(pki, 'update', 'roles/web', { body: { ...webRole, allow_ip_sans: false } });
    const body = { common_name: 'a.example.com', ip_sans: '10.0.0.1,10.0.0.2' };
    expect(await callError(pki, 'update', 'issue/web', { body })).toMatchObject({
      errors: [
        'IP Subject Alternative Names are not allowed in this role, but was provided [10.0.0.1 10.0.0.2]',
      ],
    });
  });

  it('answers Vault\'s errors for an unknown role, a key_type "any" role and a missing CA', async () => {
    const pki = new PkiEngine(new ManualClock(Date.now()), {});
    expect(
      await callError(pki, 'update', 'issue/none', { body: { common_name: 'a' } }),
    ).toMatchObject({
      errors: ['unknown role: none'],
    });
    await call(pki, 'update', 'roles/any', { body: { key_type: 'any' } });
    expect(
      await callError(pki, 'update', 'issue/any', { body: { common_name: 'a' } }),
    ).toMatchObject({
      errors: ['role key type "any" not allowed for issuing certificates, only signing'],
    });
    await call(pki, 'update', 'roles/web', { body: webRole });
    expect(
      await callError(pki, 'update', 'issue/web', { body: { common_name: 'a.example.com' } }),
    ).toMatchObject({
      status: 400,
      errors: [
        'could not fetch the CA certificate (was one set?): no default issuer currently configured',
      ],
    });
    expect(await callError(pki, 'read', 'ca/pem')).toMatchObject({ status: 400 });
  });

  it('caps the TTL at the role max with a warning', async () => {
    const { pki, clock } = await withRoot();
    await call(pki, 'update', 'roles/web', { body: webRole });
    const response = await call(pki, 'update', 'issue/web', {
      body: { common_name: 'a.example.com', ttl: '5h' },
    });
    expect(response.warnings).toEqual([
      'TTL "5h0m0s" is longer than permitted maxTTL "2h0m0s", so maxTTL is being used',
    ]);
    expect((response.data as { expiration: number }).expiration).toBe(
      Math.floor(clock.now() / 1000) + 7200,
    );
  });

  it('errs, truncates or permits a leaf outliving the CA per leaf_not_after_behavior', async () => {
    const { pki, clock } = await withRoot();
    await call(pki, 'update', 'roles/long', { body: { allow_any_name: true, key_type: 'ec' } });
    clock.advance(5000);
    const error = await callError(pki, 'update', 'issue/long', {
      body: { common_name: 'a.example.com' },
    });
    expect(error.errors[0]).toMatch(
      /^cannot satisfy request, as TTL would result in notAfter of \S+Z that is beyond the expiration of the CA certificate at \S+Z$/,
    );
    await call(pki, 'update', 'issuer/default', { body: { leaf_not_after_behavior: 'truncate' } });
    const truncated = await call(pki, 'update', 'issue/long', {
      body: { common_name: 'a.example.com' },
    });
    const ca = new X509Certificate((await call(pki, 'read', 'ca/pem')).raw?.body ?? '');
    expect((truncated.data as { expiration: number }).expiration * 1000).toBe(
      new Date(ca.validTo).getTime(),
    );
  });

  it('asks for a non-renewable lease over the cert lifetime when the role has generate_lease', async () => {
    const { pki, clock } = await withRoot();
    await call(pki, 'update', 'roles/web', { body: { ...webRole, generate_lease: true } });
    const response = await call(pki, 'update', 'issue/web', {
      body: { common_name: 'a.example.com' },
      mountPath: 'pki/',
    });
    // Vault's lease is notAfter - now, so whole seconds left (3599 unless now is on a second).
    const left = Math.floor(
      ((response.data as { expiration: number }).expiration * 1000 - clock.now()) / 1000,
    );
    expect([3599, 3600]).toContain(left);
    expect(response.lease).toEqual({
      pathPrefix: 'pki/issue/web',
      ttlSeconds: left,
      maxTtlSeconds: left,
      renewable: false,
    });
  });
});
