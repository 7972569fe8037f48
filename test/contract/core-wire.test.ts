import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';

const WRAPPER_KEYS = [
  'request_id',
  'lease_id',
  'renewable',
  'lease_duration',
  'data',
  'wrap_info',
  'warnings',
  'auth',
  'mount_type',
];
const PD = '1 error occurred:\n\t* permission denied\n\n';
const PD_INVALID = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';

describe('wire format of the test server (WIRE §0)', () => {
  let server: VaultServer;
  beforeAll(async () => {
    server = await startVaultServer();
    await server.write('secret/data/app/db', { data: { password: 'pw' } });
  });
  afterAll(() => server.close());

  it('answers with the wrapper keys in Vault order, null members present, JSON headers', async () => {
    const res = await server.read('secret/data/app/db');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(WRAPPER_KEYS);
    expect(res.body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'kv',
    });
    expect(res.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('puts sys/ data members at the top level too (HTTPSysInjector)', async () => {
    const res = await server.write('sys/capabilities-self', { paths: ['secret/data/app/db'] });
    expect(Object.keys(res.body)).toEqual(['capabilities', 'secret/data/app/db', ...WRAPPER_KEYS]);
    expect(res.body.mount_type).toBe('system');
  });

  it('treats PUT and POST alike and answers 204 with no body for nothing to return', async () => {
    const put = await server.request('PUT', 'sys/policies/acl/p1', {
      body: { policy: 'path "a" { capabilities = ["read"] }' },
    });
    const post = await server.request('POST', 'sys/policies/acl/p2', {
      body: { policy: 'path "a" { capabilities = ["read"] }' },
    });
    expect([put.status, post.status]).toEqual([204, 204]);
    expect(put.text).toBe('');
    expect(put.headers['cache-control']).toBe('no-store');
  });

  it('lists with the LIST method and with GET ?list=true alike', async () => {
    const byMethod = await server.list('secret/metadata/app');
    const byQuery = await server.request('GET', 'secret/metadata/app?list=true');
    expect(byMethod.status).toBe(200);
    expect(byMethod.body.data).toEqual({ keys: ['db'] });
    expect(byQuery.body.data).toEqual(byMethod.body.data);
    expect(server.requests.at(-2)?.method).toBe('LIST');
  });

  it('answers 404 {"errors":[]} for a read of nothing', async () => {
    const res = await server.read('secret/data/missing');
    expect(res.status).toBe(404);
    expect(res.text).toBe('{"errors":[]}\n');
  });

  it('accepts Authorization: Bearer instead of X-Vault-Token', async () => {
    const res = await server.request('GET', 'auth/token/lookup-self', {
      token: null,
      headers: { Authorization: `Bearer ${server.rootToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.policies).toEqual(['root']);
  });

  it.each([
    ['no token', null, PD],
    ['an unknown token', 'hvs.nope', PD_INVALID],
  ])('answers 403 with Vault multierror text for %s', async (_name, token, text) => {
    const res = await server.read('secret/data/app/db', token);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errors: [text] });
  });

  it('reports a path nothing is mounted at', async () => {
    const res = await server.read('nothing/here');
    expect(res.status).toBe(404);
    expect(res.body.errors).toEqual([
      'no handler for route "nothing/here". route entry not found.',
    ]);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const res = await server.request('PUT', 'sys/policies/acl/x', { rawBody: '{"policy": ' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(/^failed to parse JSON input: /);
  });

  it('answers 400 for a bad X-Vault-Wrap-TTL with Vault text', async () => {
    const res = await server.request('GET', 'secret/data/app/db', {
      headers: { 'X-Vault-Wrap-TTL': 'soon' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      'error parsing X-Vault-Wrap-TTL header: time: invalid duration "soon"',
    ]);
  });

  it('routes X-Vault-Namespace as a path prefix with its own mounts', async () => {
    expect(
      (await server.write('sys/mounts/ns1/secret', { type: 'kv', options: { version: '2' } }))
        .status,
    ).toBe(204);
    await server.request('PUT', 'secret/data/x', {
      body: { data: { in: 'ns1' } },
      headers: { 'X-Vault-Namespace': 'ns1/' },
    });
    const inNs = await server.request('GET', 'secret/data/x', {
      headers: { 'X-Vault-Namespace': 'ns1' },
    });
    expect(inNs.body.data.data).toEqual({ in: 'ns1' });
    expect((await server.read('secret/data/x')).status).toBe(404);
    expect(server.requests.at(-2)?.namespace).toBe('ns1');
  });

  it('logs every request with method, path, query, status, body and whether a token was sent', async () => {
    await server.request('GET', 'secret/data/app/db?version=1');
    await server.write('auth/token/lookup-self', {}, null);
    const [read, anonymous] = server.requests.slice(-2);
    expect(read).toMatchObject({
      method: 'GET',
      path: 'secret/data/app/db',
      query: { version: '1' },
      status: 200,
      tokenSent: true,
    });
    expect(anonymous).toMatchObject({
      method: 'PUT',
      path: 'auth/token/lookup-self',
      status: 403,
      tokenSent: false,
      body: {},
    });
    expect(typeof read?.time).toBe('number');
  });
});
