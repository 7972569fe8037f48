import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  ManualClock,
  type SigningKey,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const NO_AUDIENCE = (role: string) =>
  `Role ${role} does not have an audience configured. While audiences are not required, consider specifying one if your use case would benefit from additional JWT claim verification.`;

describe('Kubernetes auth config and roles (WIRE §5)', () => {
  let rsa: SigningKey;
  let ed: SigningKey;
  let server: VaultServer;
  beforeAll(() => {
    rsa = generateSigningKey('RS256');
    ed = generateSigningKey('EdDSA');
  });
  beforeEach(async () => {
    server = await startVaultServer({ clock: new ManualClock() });
    expect((await server.write('sys/auth/kubernetes', { type: 'kubernetes' })).status).toBe(204);
  });
  afterEach(() => server.close());

  it('is listed in sys/auth as a kubernetes mount', async () => {
    const auths = await server.read('sys/auth');
    expect(auths.body.data['kubernetes/']).toMatchObject({ type: 'kubernetes' });
  });

  it('stores a config and shows it without the reviewer JWT', async () => {
    const res = await server.write('auth/kubernetes/config', {
      kubernetes_host: 'https://10.0.0.1:443',
      kubernetes_ca_cert: CA,
      token_reviewer_jwt: 'reviewer.jwt.value',
      pem_keys: [rsa.publicKeyPem],
    });
    expect(res.status).toBe(204);
    const read = await server.read('auth/kubernetes/config');
    expect(read.body.data).toEqual({
      disable_iss_validation: true,
      disable_local_ca_jwt: false,
      issuer: '',
      kubernetes_ca_cert: CA,
      kubernetes_host: 'https://10.0.0.1:443',
      // TypeCommaStringSlice trims every item, the PEM's final newline too.
      pem_keys: [rsa.publicKeyPem.trim()],
      token_reviewer_jwt_set: true,
      use_annotations_as_alias_metadata: false,
    });
  });

  it('accepts a config without CA outside a pod only with disable_local_ca_jwt', async () => {
    const res = await server.write('auth/kubernetes/config', {
      kubernetes_host: 'https://k8s',
      disable_local_ca_jwt: true,
    });
    expect(res.status).toBe(204);
  });

  it.each([
    [{}, 'no host provided'],
    [
      { kubernetes_host: 'https://k8s' },
      'open /var/run/secrets/kubernetes.io/serviceaccount/ca.crt: no such file or directory',
    ],
    [
      { kubernetes_host: 'https://k8s', kubernetes_ca_cert: 'not a pem' },
      'The provided CA PEM data contains no valid certificates',
    ],
    [
      { kubernetes_host: 'https://k8s', kubernetes_ca_cert: CA, pem_keys: ['junk'] },
      'data does not contain any valid RSA or ECDSA public keys',
    ],
  ])('refuses config %j with 400 %s', async (body, text) => {
    const res = await server.write('auth/kubernetes/config', body);
    expect(res).toMatchObject({ status: 400, body: { errors: [text] } });
  });

  it('refuses an Ed25519 pem_key (RSA and ECDSA only)', async () => {
    const res = await server.write('auth/kubernetes/config', {
      kubernetes_host: 'https://k8s',
      disable_local_ca_jwt: true,
      pem_keys: [ed.publicKeyPem],
    });
    expect(res.body).toEqual({
      errors: ['data does not contain any valid RSA or ECDSA public keys'],
    });
  });

  it('writes a role with audience: 204, and reads it back with token fields', async () => {
    const res = await server.write('auth/kubernetes/role/App', {
      bound_service_account_names: 'app,worker-*',
      bound_service_account_namespaces: ['prod'],
      audience: 'vault',
      token_policies: 'app',
      token_ttl: '20m',
      token_max_ttl: '1h',
    });
    expect(res.status).toBe(204);
    const read = await server.read('auth/kubernetes/role/app');
    expect(read.body.data).toEqual({
      alias_name_source: 'serviceaccount_uid',
      audience: 'vault',
      bound_service_account_names: ['app', 'worker-*'],
      bound_service_account_namespace_selector: '',
      bound_service_account_namespaces: ['prod'],
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 3600,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['app'],
      token_ttl: 1200,
      token_type: 'default',
    });
    expect((await server.list('auth/kubernetes/role')).body.data.keys).toEqual(['app']);
  });

  it('answers 200 with a warning (not 204) for a role without audience', async () => {
    const res = await server.write('auth/kubernetes/role/app', {
      bound_service_account_names: '*',
      bound_service_account_namespaces: '*',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.warnings).toEqual([NO_AUDIENCE('app')]);
  });

  it('keeps names on an update that omits them, as Vault does', async () => {
    const base = { bound_service_account_namespaces: 'prod', audience: 'vault' };
    await server.write('auth/kubernetes/role/app', { ...base, bound_service_account_names: 'app' });
    expect((await server.write('auth/kubernetes/role/app', { token_ttl: 60 })).status).toBe(204);
    const read = await server.read('auth/kubernetes/role/app');
    expect(read.body.data).toMatchObject({
      bound_service_account_names: ['app'],
      bound_service_account_namespaces: ['prod'],
      token_ttl: 60,
    });
  });

  const NS = { bound_service_account_namespaces: 'prod', audience: 'a' };
  it.each([
    [{ ...NS }, '"bound_service_account_names" can not be empty'],
    [{ ...NS, bound_service_account_names: 'a,*' }, 'can not mix "*" with values'],
    [
      { bound_service_account_names: 'a', audience: 'a' },
      '"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set',
    ],
    [
      { bound_service_account_names: 'a', bound_service_account_namespaces: '*,x' },
      'can not mix "*" with values',
    ],
    [
      { ...NS, bound_service_account_names: 'a', alias_name_source: 'pod' },
      'invalid alias_name_source, must be one of: serviceaccount_uid, serviceaccount_name',
    ],
    [
      { ...NS, bound_service_account_names: 'a', token_ttl: '2h', token_max_ttl: '1h' },
      "'token_ttl' cannot be greater than 'token_max_ttl'",
    ],
    [
      { ...NS, bound_service_account_names: 'a', token_type: 'weird' },
      'invalid \'token_type\' value "weird"',
    ],
  ])('refuses role %j with 400 %s', async (body, text) => {
    const res = await server.write('auth/kubernetes/role/app', body);
    expect(res).toMatchObject({ status: 400, body: { errors: [text] } });
  });

  it('keeps the deprecated field names in step with the token_* ones', async () => {
    const base = { bound_service_account_names: 'a', bound_service_account_namespaces: 'b' };
    await server.write('auth/kubernetes/role/app', {
      ...base,
      policies: 'x',
      ttl: 60,
      num_uses: 2,
    });
    const read = await server.read('auth/kubernetes/role/app');
    expect(read.body.data).toMatchObject({
      policies: ['x'],
      token_policies: ['x'],
      ttl: 60,
      token_ttl: 60,
      num_uses: 2,
      token_num_uses: 2,
    });
    await server.write('auth/kubernetes/role/app', { token_ttl: 90 });
    expect((await server.read('auth/kubernetes/role/app')).body.data.ttl).toBeUndefined();
  });

  it('reads 404 {"errors":[]} for a missing role or config', async () => {
    expect(await server.read('auth/kubernetes/role/none')).toMatchObject({
      status: 404,
      body: { errors: [] },
    });
    expect((await server.read('auth/kubernetes/config')).status).toBe(404);
  });
});
