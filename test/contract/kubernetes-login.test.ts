import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthHandle,
  generateSigningKey,
  legacyServiceAccountClaims,
  loginWithJwt,
  ManualClock,
  projectedServiceAccountClaims,
  type SigningKey,
  setupKubernetesAuth,
  signJwt,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

const DENIED = { errors: ['permission denied'] };
const CONFIG = { kubernetes_host: 'https://10.0.0.1', disable_local_ca_jwt: true };
const ROLE = {
  bound_service_account_names: 'app',
  bound_service_account_namespaces: 'prod',
  audience: 'vault',
  token_policies: 'app',
  token_ttl: '20m',
  token_max_ttl: '1h',
};

describe('Kubernetes auth login (WIRE §5)', () => {
  let rsa: SigningKey;
  let clock: ManualClock;
  let server: VaultServer;
  let handle: AuthHandle;
  beforeAll(() => {
    rsa = generateSigningKey('RS256');
  });
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
    handle = await setupKubernetesAuth(server, {
      config: { ...CONFIG, pem_keys: [rsa.publicKeyPem] },
      roleFields: ROLE,
      policies: { app: 'path "secret/data/app/*" { capabilities = ["read"] }' },
    });
  });
  afterEach(() => server.close());

  const projected = (spec: Parameters<typeof projectedServiceAccountClaims>[0] = {}) =>
    projectedServiceAccountClaims(
      { name: 'app', namespace: 'prod', audience: 'vault', uid: 'uid-1', ...spec },
      clock.now(),
    );
  const login = (jwt: string, role = handle.role) => loginWithJwt(server, { ...handle, role }, jwt);

  it('logs in with a projected token: auth block, metadata, role TTL, renewable', async () => {
    const res = await login(signJwt(rsa, projected()));
    expect(res.status).toBe(200);
    expect(res.body.mount_type).toBe('kubernetes');
    expect(res.body.auth).toMatchObject({
      policies: ['app', 'default'],
      token_policies: ['app', 'default'],
      metadata: {
        role: 'app',
        service_account_name: 'app',
        service_account_namespace: 'prod',
        service_account_secret_name: '',
        service_account_uid: 'uid-1',
      },
      lease_duration: 1200,
      renewable: true,
      token_type: 'service',
      orphan: true,
    });
    expect(res.body.auth.client_token).toMatch(/^hvs\./);
    expect(res.body.auth.entity_id).not.toBe('');
    expect(server.requests.at(-1)?.tokenSent).toBe(false);
    const self = await server.read('auth/token/lookup-self', res.body.auth.client_token);
    expect(self.body.data).toMatchObject({
      display_name: 'kubernetes-prod-app',
      path: 'auth/kubernetes/login',
      ttl: 1200,
    });
  });

  it('renews that token by the role, with shrinking TTLs at its max, then refuses', async () => {
    const token = (await login(signJwt(rsa, projected()))).body.auth.client_token;
    const renew = () => server.write('auth/token/renew-self', {}, token);
    clock.advanceSeconds(15 * 60);
    expect((await renew()).body.auth.lease_duration).toBe(1200);
    clock.advanceSeconds(15 * 60);
    expect((await renew()).body.auth.lease_duration).toBe(1200);
    clock.advanceSeconds(15 * 60);
    const capped = await renew();
    expect(capped.body.auth.lease_duration).toBe(900);
    expect(capped.body.warnings).toEqual([
      'TTL of "20m" exceeded the effective max_ttl of "15m"; TTL value is capped accordingly',
    ]);
    clock.advanceSeconds(15 * 60);
    expect((await renew()).status).toBe(403);
  });

  it('answers 500 when renewing after the role was deleted', async () => {
    const token = (await login(signJwt(rsa, projected()))).body.auth.client_token;
    await server.delete('auth/kubernetes/role/app');
    const res = await server.write('auth/token/renew-self', {}, token);
    expect(res.status).toBe(500);
    expect(res.body.errors).toEqual([
      'failed to renew entry: role app does not exist during renewal',
    ]);
  });

  it('logs in with a legacy secret token (no exp/iat/nbf), keeping its secret name', async () => {
    await server.write('auth/kubernetes/role/app', { audience: '' });
    const claims = legacyServiceAccountClaims({ name: 'app', namespace: 'prod', uid: 'uid-9' });
    const res = await login(signJwt(rsa, claims));
    expect(res.status).toBe(200);
    expect(res.body.auth.metadata).toMatchObject({
      service_account_secret_name: 'app-token-x7k2p',
      service_account_uid: 'uid-9',
    });
  });

  it('prefers the projected claims when a token carries both shapes', async () => {
    const claims = {
      ...legacyServiceAccountClaims({ name: 'legacy', namespace: 'other', uid: 'legacy-uid' }),
      ...projected(),
    };
    const res = await login(signJwt(rsa, claims));
    expect(res.body.auth.metadata).toMatchObject({
      service_account_name: 'app',
      service_account_namespace: 'prod',
      service_account_uid: 'uid-1',
      // The secret name has no projected counterpart: the legacy claim still shows.
      service_account_secret_name: 'legacy-token-x7k2p',
    });
  });

  it('glob-matches names and namespaces', async () => {
    await server.write('auth/kubernetes/role/app', {
      bound_service_account_names: 'web-*',
      bound_service_account_namespaces: 'team-*-prod',
    });
    const ok = await login(signJwt(rsa, projected({ name: 'web-1', namespace: 'team-a-prod' })));
    expect(ok.status).toBe(200);
    const bad = await login(signJwt(rsa, projected({ name: 'web-1', namespace: 'team-a-dev' })));
    expect(bad).toMatchObject({ status: 403, body: { errors: ['namespace not authorized'] } });
  });

  it.each([
    [{ name: 'db' }, 'service account name not authorized'],
    [{ namespace: 'dev' }, 'namespace not authorized'],
    [
      { audience: 'other' },
      'invalid audience (aud) claim: audience claim does not match any expected audience',
    ],
  ])('refuses claims %j with 403 %s', async (spec, text) => {
    expect(await login(signJwt(rsa, projected(spec)))).toMatchObject({
      status: 403,
      body: { errors: [text] },
    });
  });

  it('checks the name before the namespace', async () => {
    const res = await login(signJwt(rsa, projected({ name: 'db', namespace: 'dev' })));
    expect(res.body.errors).toEqual(['service account name not authorized']);
  });

  it('answers 500 for a token without a service account uid', async () => {
    const claims = projected();
    (claims['kubernetes.io'] as { serviceaccount: { uid?: string } }).serviceaccount.uid =
      undefined;
    expect(await login(signJwt(rsa, claims))).toMatchObject({
      status: 500,
      body: { errors: ['could not parse UID from claims'] },
    });
  });

  it('names the entity alias by uid (default) or by namespace/name', async () => {
    const entity = async (uid: string) =>
      (await login(signJwt(rsa, projected({ uid })))).body.auth.entity_id;
    expect(await entity('uid-1')).not.toBe(await entity('uid-2'));
    await server.write('auth/kubernetes/role/app', { alias_name_source: 'serviceaccount_name' });
    expect(await entity('uid-3')).toBe(await entity('uid-4'));
  });

  it('issues batch tokens and refuses addresses outside token_bound_cidrs', async () => {
    await server.write('auth/kubernetes/role/app', { token_type: 'batch' });
    const batch = await login(signJwt(rsa, projected()));
    expect(batch.body.auth).toMatchObject({ token_type: 'batch', renewable: false });
    expect(batch.body.auth.client_token).toMatch(/^hvb\./);
    await server.write('auth/kubernetes/role/app', { token_bound_cidrs: '10.0.0.0/8' });
    expect(await login(signJwt(rsa, projected()))).toMatchObject({ status: 403, body: DENIED });
  });
});
