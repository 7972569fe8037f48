import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, startVaultServer, type VaultServer } from '../vault-server/index.ts';

const PD = '1 error occurred:\n\t* permission denied\n\n';
const PD_INVALID = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';
const AUTH_KEYS = [
  'client_token',
  'accessor',
  'policies',
  'token_policies',
  'metadata',
  'lease_duration',
  'renewable',
  'entity_id',
  'token_type',
  'orphan',
  'mfa_requirement',
  'num_uses',
];

describe('token store (WIRE §2, §3)', () => {
  let clock: ManualClock;
  let server: VaultServer;
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
  });
  afterEach(() => server.close());

  async function createToken(body: Record<string, unknown>): Promise<string> {
    const res = await server.write('auth/token/create', body);
    expect(res.status).toBe(200);
    return res.body.auth.client_token;
  }

  it('creates service tokens with `default` added, auth keys in Vault order', async () => {
    const res = await server.write('auth/token/create', {
      policies: ['app'],
      ttl: '1h',
      meta: { team: 'a' },
    });
    expect(Object.keys(res.body.auth)).toEqual(AUTH_KEYS);
    expect(res.body.auth).toMatchObject({
      policies: ['app', 'default'],
      token_policies: ['app', 'default'],
      metadata: { team: 'a' },
      lease_duration: 3600,
      renewable: true,
      token_type: 'service',
      orphan: false,
      mfa_requirement: null,
      num_uses: 0,
    });
    expect(res.body.auth.client_token).toMatch(/^hvs\./);
    expect(res.body.mount_type).toBe('token');
  });

  it('creates batch tokens (hvb., no accessor) that cannot be renewed', async () => {
    const res = await server.write('auth/token/create', {
      policies: ['app'],
      ttl: '1h',
      type: 'batch',
    });
    const token = res.body.auth.client_token;
    expect(token).toMatch(/^hvb\./);
    expect(res.body.auth).toMatchObject({ accessor: '', token_type: 'batch', renewable: false });
    const renew = await server.write('auth/token/renew-self', {}, token);
    expect(renew).toMatchObject({
      status: 400,
      body: { errors: ['batch tokens cannot be renewed'] },
    });
  });

  it('looks itself up with the fields of WIRE §1', async () => {
    const token = await createToken({ policies: ['app'], ttl: '1h', explicit_max_ttl: '2h' });
    clock.advanceSeconds(100);
    const res = await server.read('auth/token/lookup-self', token);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: token,
      policies: ['app', 'default'],
      path: 'auth/token/create',
      meta: null,
      display_name: 'token',
      num_uses: 0,
      orphan: false,
      entity_id: '',
      creation_ttl: 3600,
      explicit_max_ttl: 7200,
      type: 'service',
      ttl: 3500,
      renewable: true,
      expire_time: '2024-01-01T01:00:00Z',
      issue_time: '2024-01-01T00:00:00Z',
      creation_time: Date.UTC(2024, 0, 1) / 1000,
    });
  });

  it('renews with the increment, capped by the max TTL with Vault warning text', async () => {
    const token = await createToken({ policies: ['app'], ttl: '10m', explicit_max_ttl: '1h' });
    clock.advanceSeconds(5 * 60);
    const res = await server.write('auth/token/renew-self', { increment: '1h' }, token);
    expect(res.status).toBe(200);
    expect(res.body.auth.lease_duration).toBe(55 * 60);
    expect(res.body.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "55m"; TTL value is capped accordingly',
    ]);
    clock.advanceSeconds(54 * 60 + 30);
    const shrinking = await server.write('auth/token/renew-self', { increment: 3600 }, token);
    expect(shrinking.body.auth.lease_duration).toBe(30);
    expect(shrinking.body.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "30s"; TTL value is capped accordingly',
    ]);
  });

  it('renews without increment to the last granted TTL and refuses past the max TTL', async () => {
    // Vault truncates times to whole seconds: a token issued at .9 s reaches its max before it expires.
    clock.advance(900);
    const token = await createToken({ policies: ['app'], ttl: '10m', explicit_max_ttl: '15m' });
    clock.advanceSeconds(300);
    const res = await server.write('auth/token/renew-self', {}, token);
    expect(res.body.auth.lease_duration).toBe(600);
    expect(res.body.warnings).toBeNull();
    clock.advance(599_500);
    const past = await server.write('auth/token/renew-self', {}, token);
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual(['past the max TTL, cannot renew']);
  });

  it('caps a periodic token at the explicit max with the period warning', async () => {
    const token = await createToken({ policies: ['app'], period: '72h', explicit_max_ttl: '10h' });
    const res = await server.write('auth/token/renew-self', {}, token);
    expect(res.body.auth.lease_duration).toBe(36000);
    expect(res.body.warnings).toEqual([
      'period of "72h" exceeded the effective max_ttl of "10h"; period value is capped accordingly',
    ]);
  });

  it('refuses to renew a non-renewable token and answers 403 for an expired one', async () => {
    const fixed = await createToken({ policies: ['app'], ttl: '1m', renewable: false });
    expect((await server.write('auth/token/renew-self', {}, fixed)).body.errors).toEqual([
      'lease is not renewable',
    ]);
    clock.advanceSeconds(60);
    const expired = await server.write('auth/token/renew-self', {}, fixed);
    expect(expired).toMatchObject({ status: 403, body: { errors: [PD_INVALID] } });
  });

  it('spends num_uses and revokes the token after its last use', async () => {
    const token = await createToken({ policies: ['app'], ttl: '1h', num_uses: 2 });
    const first = await server.read('auth/token/lookup-self', token);
    expect(first.body.data.num_uses).toBe(1);
    expect((await server.read('auth/token/lookup-self', token)).status).toBe(200);
    const third = await server.read('auth/token/lookup-self', token);
    expect(third).toMatchObject({ status: 403, body: { errors: [PD_INVALID] } });
  });

  it('does not spend a use on an ACL denial and answers the 1-error text', async () => {
    const token = await createToken({ policies: ['app'], ttl: '1h', num_uses: 1 });
    const denied = await server.read('secret/data/app/db', token);
    expect(denied).toMatchObject({ status: 403, body: { errors: [PD] } });
    expect((await server.read('auth/token/lookup-self', token)).status).toBe(200);
  });

  it('revoke-self answers 204 and revokes the children too', async () => {
    const parent = await createToken({ policies: ['parent'], ttl: '1h' });
    await server.write('sys/policies/acl/parent', {
      policy: 'path "auth/token/create" { capabilities = ["update"] }',
    });
    const child = await server.write(
      'auth/token/create',
      { policies: ['parent'], ttl: '1h' },
      parent,
    );
    expect(child.status).toBe(200);
    const revoke = await server.write('auth/token/revoke-self', {}, parent);
    expect(revoke.status).toBe(204);
    expect(revoke.text).toBe('');
    expect((await server.read('auth/token/lookup-self', child.body.auth.client_token)).status).toBe(
      403,
    );
    expect((await server.read('auth/token/lookup-self', parent)).status).toBe(403);
  });

  it('lets tests revoke a token by accessor', async () => {
    const res = await server.write('auth/token/create', { policies: ['app'], ttl: '1h' });
    expect(server.revokeToken(res.body.auth.accessor)).toBe(true);
    expect(
      (await server.read('auth/token/lookup-self', res.body.auth.client_token)).body.errors,
    ).toEqual([PD_INVALID]);
  });

  it('shows the root token without lease fields', async () => {
    const res = await server.read('auth/token/lookup-self');
    expect(res.body.data).toMatchObject({
      path: 'auth/token/root',
      policies: ['root'],
      ttl: 0,
      expire_time: null,
      orphan: true,
    });
    expect(res.body.data).not.toHaveProperty('renewable');
    expect((await server.write('auth/token/renew-self', {})).body.errors).toEqual([
      'lease is not renewable',
    ]);
  });
});
