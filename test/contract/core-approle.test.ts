import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretId, login, setupAppRole } from '../vault-server/approle-fixture.ts';
import { ManualClock, startVaultServer, type VaultServer } from '../vault-server/index.ts';

const INVALID = { errors: ['invalid role or secret ID'] };

describe('AppRole (WIRE §1, §3)', () => {
  let clock: ManualClock;
  let server: VaultServer;
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
  });
  afterEach(() => server.close());

  it('round-trips a role with Vault field names and defaults', async () => {
    await setupAppRole(server, {
      fields: {
        token_policies: 'a,b',
        token_ttl: '1h',
        token_max_ttl: 7200,
        secret_id_num_uses: 1,
      },
    });
    const role = await server.read('auth/approle/role/app');
    expect(role.body.data).toMatchObject({
      bind_secret_id: true,
      token_policies: ['a', 'b'],
      policies: ['a', 'b'],
      token_ttl: 3600,
      token_max_ttl: 7200,
      secret_id_num_uses: 1,
      secret_id_ttl: 0,
      token_type: 'default',
    });
    expect((await server.list('auth/approle/role')).body.data.keys).toEqual(['app']);
    expect((await server.read('auth/approle/role/none/role-id')).body).toEqual({ errors: [] });
    expect((await server.delete('auth/approle/role/app')).status).toBe(204);
    expect((await server.read('auth/approle/role/app')).status).toBe(404);
  });

  it('sets a custom role ID', async () => {
    const handle = await setupAppRole(server);
    expect(
      (await server.write('auth/approle/role/app/role-id', { role_id: 'my-role-id' })).status,
    ).toBe(204);
    expect((await server.read('auth/approle/role/app/role-id')).body.data.role_id).toBe(
      'my-role-id',
    );
    const sid = (await createSecretId(server, handle)).body.data.secret_id;
    expect((await login(server, { ...handle, roleId: 'my-role-id' }, sid)).status).toBe(200);
  });

  it('creates a secret ID with its accessor, TTL and uses', async () => {
    const handle = await setupAppRole(server, {
      fields: { secret_id_ttl: '10m', secret_id_num_uses: 3 },
    });
    const res = await createSecretId(server, handle, { metadata: '{"host":"web-1"}' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toEqual([
      'secret_id',
      'secret_id_accessor',
      'secret_id_num_uses',
      'secret_id_ttl',
    ]);
    expect(res.body.data).toMatchObject({ secret_id_num_uses: 3, secret_id_ttl: 600 });
  });

  it.each([
    [{ ttl: '20m' }, "ttl cannot be longer than the role's secret_id_ttl"],
    [{ ttl: 0 }, "ttl cannot be longer than the role's secret_id_ttl"],
    [{ num_uses: 5 }, "num_uses cannot be higher than the role's secret_id_num_uses"],
    [{ num_uses: -1 }, 'num_uses cannot be negative'],
    [{ cidr_list: ['10.0.0.300/8'] }, 'failed to validate CIDR blocks'],
    [
      { metadata: 'not-kv' },
      'failed to parse metadata: invalid key/value pair "not-kv": format must be key=value',
    ],
  ])('rejects secret-id body %j with 400 %s', async (body, text) => {
    const handle = await setupAppRole(server, {
      fields: { secret_id_ttl: '10m', secret_id_num_uses: 3 },
    });
    const res = await createSecretId(server, handle, body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([text]);
  });

  it('answers 404 for a secret ID of a missing role', async () => {
    const res = await server
      .write('sys/auth/approle', { type: 'approle' })
      .then(() => server.write('auth/approle/role/ghost/secret-id', {}));
    expect(res).toMatchObject({ status: 404, body: { errors: ['role "ghost" does not exist'] } });
  });

  it('logs in: auth block, metadata with role_name, default policy, TTL of the role', async () => {
    const handle = await setupAppRole(server, {
      fields: { token_policies: ['app'], token_ttl: '20m', token_num_uses: 5 },
    });
    const sid = (await createSecretId(server, handle, { metadata: '{"host":"web-1"}' })).body.data
      .secret_id;
    const res = await login(server, handle, sid);
    expect(res.status).toBe(200);
    expect(res.body.mount_type).toBe('approle');
    expect(res.body.data).toBeNull();
    expect(res.body.auth).toMatchObject({
      policies: ['app', 'default'],
      metadata: { host: 'web-1', role_name: 'app' },
      lease_duration: 1200,
      renewable: true,
      token_type: 'service',
      orphan: true,
      num_uses: 5,
    });
    expect(res.body.auth.client_token).toMatch(/^hvs\./);
    expect(server.requests.at(-1)?.tokenSent).toBe(false);
  });

  it('defaults the token TTL to the mount default (768h) and issues batch tokens', async () => {
    const handle = await setupAppRole(server, { fields: { token_type: 'batch' } });
    const sid = (await createSecretId(server, handle)).body.data.secret_id;
    const res = await login(server, handle, sid);
    expect(res.body.auth).toMatchObject({
      lease_duration: 768 * 3600,
      token_type: 'batch',
      renewable: false,
    });
    expect(res.body.auth.client_token).toMatch(/^hvb\./);
  });

  it.each([
    ['an unknown role ID', { role_id: 'nope', secret_id: 'x' }, INVALID],
    ['an unknown secret ID', { secret_id: 'nope' }, INVALID],
    ['no role ID', { role_id: '', secret_id: 'x' }, { errors: ['missing role_id'] }],
    ['no secret ID', { secret_id: '' }, { errors: ['missing secret_id'] }],
  ])('refuses %s with 400', async (_name, body, expected) => {
    const handle = await setupAppRole(server);
    const res = await server.write('auth/approle/login', { role_id: handle.roleId, ...body }, null);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expected);
  });

  it('spends secret_id_num_uses and refuses the used-up ID with the same text', async () => {
    const handle = await setupAppRole(server, { fields: { secret_id_num_uses: 2 } });
    const sid = (await createSecretId(server, handle)).body.data.secret_id;
    expect((await login(server, handle, sid)).status).toBe(200);
    const lookup = await server.write('auth/approle/role/app/secret-id/lookup', { secret_id: sid });
    expect(lookup.body.data.secret_id_num_uses).toBe(1);
    expect((await login(server, handle, sid)).status).toBe(200);
    expect((await login(server, handle, sid)).body).toEqual(INVALID);
  });

  it('refuses an expired secret ID with the same text', async () => {
    const handle = await setupAppRole(server, { fields: { secret_id_ttl: '60s' } });
    const sid = (await createSecretId(server, handle)).body.data.secret_id;
    clock.advanceSeconds(60);
    expect((await login(server, handle, sid)).body).toEqual(INVALID);
  });

  it('binds secret IDs and roles to CIDRs with Vault texts', async () => {
    const handle = await setupAppRole(server);
    const ok = (await createSecretId(server, handle, { cidr_list: '127.0.0.0/8' })).body.data
      .secret_id;
    expect((await login(server, handle, ok)).status).toBe(200);
    const elsewhere = (await createSecretId(server, handle, { cidr_list: ['10.0.0.0/8'] })).body
      .data.secret_id;
    expect((await login(server, handle, elsewhere)).body.errors).toEqual([
      'source address "127.0.0.1" unauthorized through CIDR restrictions on the secret ID',
    ]);
    await server.write('auth/approle/role/app', { secret_id_bound_cidrs: '10.0.0.0/8' });
    const sid = (await createSecretId(server, handle)).body.data.secret_id;
    expect((await login(server, handle, sid)).body.errors).toEqual([
      'source address "127.0.0.1" unauthorized by CIDR restrictions on the role: %!w(<nil>)',
    ]);
  });

  it('renews an AppRole token against the role max TTL, and 500 once the role is gone', async () => {
    const handle = await setupAppRole(server, {
      fields: { token_ttl: '10m', token_max_ttl: '30m' },
    });
    const sid = (await createSecretId(server, handle)).body.data.secret_id;
    const token = (await login(server, handle, sid)).body.auth.client_token;
    clock.advanceSeconds(25 * 60 - 1);
    expect(await server.write('auth/token/renew-self', {}, token)).toMatchObject({ status: 403 });
    const fresh = (
      await login(server, handle, (await createSecretId(server, handle)).body.data.secret_id)
    ).body.auth.client_token;
    clock.advanceSeconds(9 * 60);
    const capped = await server.write('auth/token/renew-self', {}, fresh);
    expect(capped.body.auth.lease_duration).toBe(600);
    clock.advanceSeconds(9 * 60);
    expect((await server.write('auth/token/renew-self', {}, fresh)).body.auth.lease_duration).toBe(
      600,
    );
    clock.advanceSeconds(9 * 60);
    const shrunk = await server.write('auth/token/renew-self', {}, fresh);
    expect(shrunk.body.auth.lease_duration).toBe(180);
    expect(shrunk.body.warnings).toEqual([
      'TTL of "10m" exceeded the effective max_ttl of "3m"; TTL value is capped accordingly',
    ]);
    await server.delete('auth/approle/role/app');
    const gone = await server.write('auth/token/renew-self', {}, fresh);
    expect(gone.status).toBe(500);
  });
});
