import { afterEach, describe, expect, it } from 'vitest';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';

const HEALTH_KEYS = [
  'initialized',
  'sealed',
  'standby',
  'performance_standby',
  'replication_performance_mode',
  'replication_dr_mode',
  'server_time_utc',
  'version',
  'enterprise',
  'cluster_name',
  'cluster_id',
  'echo_duration_ms',
  'clock_skew_ms',
  'replication_primary_canary_age_ms',
];

describe('sys/health (WIRE §1)', () => {
  let server: VaultServer;
  afterEach(() => server.close());

  async function healthOf(query = '') {
    return server.request('GET', `sys/health${query}`, { token: null });
  }

  it('answers 200 with the body fields in order when active', async () => {
    server = await startVaultServer();
    const res = await healthOf();
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(HEALTH_KEYS);
    expect(res.body).toMatchObject({
      initialized: true,
      sealed: false,
      standby: false,
      replication_dr_mode: 'disabled',
    });
    expect(res.headers['content-type']).toBe('application/json');
  });

  it.each([
    ['uninitialised', { initialized: false }, undefined, '', 501],
    ['uninitialised, uninitcode', { initialized: false }, undefined, '?uninitcode=200', 200],
    ['sealed', { sealed: true }, undefined, '', 503],
    ['sealed, sealedcode', { sealed: true }, undefined, '?sealedcode=299', 299],
    ['standby', {}, true, '', 429],
    ['standby, standbyok', {}, true, '?standbyok=true', 200],
    ['standby, standbyok, activecode', {}, true, '?standbyok&activecode=204', 204],
    ['standby, standbycode', {}, true, '?standbycode=200', 200],
    ['perf standby', {}, 'performance', '', 473],
    ['perf standby, perfstandbyok', {}, 'performance', '?perfstandbyok=true', 200],
    ['perf standby, performancestandbycode', {}, 'performance', '?performancestandbycode=201', 201],
    ['DR secondary', {}, 'dr-secondary', '', 472],
    ['DR secondary, drsecondarycode', {}, 'dr-secondary', '?drsecondarycode=202', 202],
    ['active, activecode', {}, undefined, '?activecode=203', 203],
  ] as const)('%s → %d', async (_name, options, standby, query, status) => {
    server = await startVaultServer(options);
    if (standby !== undefined) server.setStandby(standby);
    expect((await healthOf(query)).status).toBe(status);
  });

  it('leaves out cluster fields while sealed', async () => {
    server = await startVaultServer({ sealed: true });
    const res = await healthOf();
    expect(res.body).toMatchObject({ initialized: true, sealed: true, standby: true });
    expect(res.body).not.toHaveProperty('cluster_name');
    expect(res.body).not.toHaveProperty('cluster_id');
  });

  it.each([
    '?standbyok=maybe',
    '?perfstandbyok=2',
    '?activecode=ok',
    '?sealedcode=',
    '?uninitcode=x',
  ])('answers 400 for a bad query value %s', async (query) => {
    server = await startVaultServer();
    expect(await healthOf(query)).toMatchObject({ status: 400, body: { errors: [] } });
  });

  it('answers HEAD with the status and no body', async () => {
    server = await startVaultServer({ sealed: true });
    const res = await server.request('HEAD', 'sys/health', { token: null });
    expect(res.status).toBe(503);
    expect(res.text).toBe('');
  });
});

describe('seal, init and unseal (WIRE §1)', () => {
  let server: VaultServer;
  afterEach(() => server.close());

  it('answers 503 Vault is sealed for every routed request while sealed', async () => {
    server = await startVaultServer();
    server.seal();
    for (const path of [
      'secret/data/x',
      'auth/token/lookup-self',
      'sys/mounts',
      'auth/approle/login',
    ]) {
      expect(await server.read(path)).toMatchObject({
        status: 503,
        body: { errors: ['Vault is sealed'] },
      });
    }
    server.unseal();
    expect((await server.read('auth/token/lookup-self')).status).toBe(200);
  });

  it('initialises with real Shamir shares: threshold-1 is not enough, a wrong share is refused, the threshold unseals', async () => {
    server = await startVaultServer({ initialized: false });
    expect((await server.read('sys/init', null)).body).toEqual({ initialized: false });
    expect(await server.read('secret/data/x')).toMatchObject({ status: 503 });
    const init = await server.write('sys/init', { secret_shares: 5, secret_threshold: 3 }, null);
    expect(init.status).toBe(200);
    expect(Object.keys(init.body)).toEqual(['keys', 'keys_base64', 'root_token']);
    const { keys, keys_base64: keysBase64, root_token: root } = init.body;
    expect(keys).toHaveLength(5);
    expect(keys[0]).toMatch(/^[0-9a-f]{66}$/);
    expect(Buffer.from(keysBase64[1], 'base64').toString('hex')).toBe(keys[1]);
    expect(server.rootToken).toBe(root);
    const status = await server.read('sys/seal-status', null);
    expect(status.body).toMatchObject({
      type: 'shamir',
      initialized: true,
      sealed: true,
      t: 3,
      n: 5,
      progress: 0,
      nonce: '',
    });

    const first = await server.write('sys/unseal', { key: keys[0] }, null);
    expect(first.body).toMatchObject({ sealed: true, progress: 1 });
    expect(first.body.nonce).not.toBe('');
    await server.write('sys/unseal', { key: keysBase64[1] }, null);
    const wrong = await server.write('sys/unseal', { key: 'ab'.repeat(33) }, null);
    expect(wrong).toMatchObject({ status: 400, body: { errors: ['Unseal failed, invalid key'] } });
    expect((await server.read('sys/seal-status', null)).body).toMatchObject({
      sealed: true,
      progress: 0,
    });

    await server.write('sys/unseal', { key: keys[4] }, null);
    await server.write('sys/unseal', { key: keys[2] }, null);
    const done = await server.write('sys/unseal', { key: keys[0] }, null);
    expect(done.body).toMatchObject({ sealed: false, progress: 0, t: 3, n: 5 });
    expect((await server.read('auth/token/lookup-self', root)).status).toBe(200);
  });

  it.each([
    [{ key: 'not a key!' }, "'key' must be a valid hex or base64 string"],
    [{}, "'key' must be specified in request body as JSON, or 'reset' set to true"],
  ])('refuses unseal body %j', async (body, text) => {
    server = await startVaultServer({ sealed: true, shares: 3, threshold: 2 });
    expect(await server.write('sys/unseal', body, null)).toMatchObject({
      status: 400,
      body: { errors: [text] },
    });
  });

  it('resets unseal progress on request', async () => {
    server = await startVaultServer({ sealed: true, shares: 3, threshold: 2 });
    await server.write('sys/unseal', { key: server.unsealKeys[0] }, null);
    expect((await server.write('sys/unseal', { reset: true }, null)).body.progress).toBe(0);
  });

  it.each([
    [
      { secret_shares: 3, secret_threshold: 4 },
      'invalid seal configuration: threshold cannot be larger than shares',
    ],
    [
      { secret_shares: 3, secret_threshold: 1 },
      'invalid seal configuration: threshold must be greater than one for multiple shares',
    ],
  ])('refuses init %j', async (body, text) => {
    server = await startVaultServer({ initialized: false });
    expect(await server.write('sys/init', body, null)).toMatchObject({
      status: 400,
      body: { errors: [text] },
    });
  });

  it('refuses a second init', async () => {
    server = await startVaultServer();
    const res = await server.write('sys/init', { secret_shares: 1, secret_threshold: 1 }, null);
    expect(res).toMatchObject({ status: 400, body: { errors: ['Vault is already initialized'] } });
  });

  it('seals through sys/seal with the root token only', async () => {
    server = await startVaultServer();
    const user = (await server.write('auth/token/create', { policies: ['x'], ttl: '1h' })).body.auth
      .client_token;
    expect((await server.write('sys/seal', {}, user)).status).toBe(403);
    expect((await server.write('sys/seal', {})).status).toBe(204);
    expect((await server.read('sys/seal-status', null)).body.sealed).toBe(true);
  });
});

describe('sys/internal/ui/mounts and sys/mounts (WIRE §1)', () => {
  let server: VaultServer;
  afterEach(() => server.close());

  it('describes a kv v2 mount and refuses non-existent mounts and uncovered tokens', async () => {
    server = await startVaultServer();
    const ok = await server.read('sys/internal/ui/mounts/secret/app/db');
    expect(ok.body.data).toMatchObject({ path: 'secret/', type: 'kv', options: { version: '2' } });
    const preflight = (p: string) =>
      `preflight capability check returned 403, please ensure client's policies grant access to path "${p}"`;
    expect(await server.read('sys/internal/ui/mounts/nothing/x')).toMatchObject({
      status: 403,
      body: { errors: [preflight('nothing/x/')] },
    });
    await server.write('sys/policies/acl/plus', {
      policy: 'path "secret/data/+/db" { capabilities = ["read"] }',
    });
    await server.write('sys/policies/acl/glob', {
      policy: 'path "secret/data/app/*" { capabilities = ["read"] }',
    });
    const plus = (await server.write('auth/token/create', { policies: ['plus'] })).body.auth
      .client_token;
    const glob = (await server.write('auth/token/create', { policies: ['glob'] })).body.auth
      .client_token;
    expect((await server.read('sys/internal/ui/mounts/secret/app', plus)).status).toBe(403);
    expect((await server.read('sys/internal/ui/mounts/secret/app', glob)).status).toBe(200);
  });

  it('mounts kv-v2 as kv version 2, refuses a taken path and unknown types', async () => {
    server = await startVaultServer();
    expect((await server.write('sys/mounts/kv2', { type: 'kv-v2' })).status).toBe(204);
    expect((await server.read('sys/mounts')).body.data['kv2/']).toMatchObject({
      type: 'kv',
      options: { version: '2' },
    });
    expect((await server.write('sys/mounts/kv2', { type: 'kv' })).body.errors).toEqual([
      'path is already in use at kv2/',
    ]);
    expect((await server.write('sys/mounts/x', { type: 'nope' })).body.errors).toEqual([
      'plugin not found in the catalog: nope',
    ]);
    expect((await server.read('sys/mounts-all/kv2/a')).body.data.path).toBe('kv2/');
  });
});
