import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine, EngineFactory } from '../vault-server/backend.ts';
import { engineFactories } from '../vault-server/engines/index.ts';
import { ManualClock, startVaultServer, type VaultServer } from '../vault-server/index.ts';

/** A tiny engine that leases every read: `creds/<role>` with TTL 60 s, max 120 s. */
const revoked: string[] = [];
const leasing: EngineFactory = () => {
  let n = 0;
  const engine: Engine = {
    type: 'test-leasing',
    options: {},
    exists: () => true,
    handle: (req) => {
      n += 1;
      const user = `user-${n}`;
      return {
        data: { username: user },
        lease: {
          pathPrefix: `${req.mountPath}${req.subPath}`,
          ttlSeconds: 60,
          maxTtlSeconds: 120,
          renewable: !req.subPath.endsWith('fixed'),
          onRevoke: () => revoked.push(user),
        },
      };
    },
  };
  return engine;
};
engineFactories['test-leasing'] = leasing;

describe('leases (WIRE §1, §3)', () => {
  let clock: ManualClock;
  let server: VaultServer;
  beforeEach(async () => {
    revoked.length = 0;
    clock = new ManualClock();
    server = await startVaultServer({ clock });
    await server.write('sys/mounts/dyn', { type: 'test-leasing' });
  });
  afterEach(() => server.close());

  it('creates a lease: lease_id = path + 24 base62, renewable, lease_duration', async () => {
    const res = await server.read('dyn/creds/app');
    expect(res.body.lease_id).toMatch(/^dyn\/creds\/app\/[0-9A-Za-z]{24}$/);
    expect(res.body).toMatchObject({
      renewable: true,
      lease_duration: 60,
      mount_type: 'test-leasing',
    });
  });

  it('renews with capping warning text and exact arithmetic', async () => {
    const leaseId = (await server.read('dyn/creds/app')).body.lease_id;
    clock.advanceSeconds(30);
    const first = await server.write('sys/leases/renew', { lease_id: leaseId, increment: 45 });
    expect(first.body).toMatchObject({
      lease_id: leaseId,
      renewable: true,
      lease_duration: 45,
      data: null,
      warnings: null,
    });
    clock.advanceSeconds(40);
    const capped = await server.write('sys/leases/renew', { lease_id: leaseId, increment: '1m' });
    expect(capped.body.lease_duration).toBe(50);
    expect(capped.body.warnings).toEqual([
      'TTL of "1m" exceeded the effective max_ttl of "50s"; TTL value is capped accordingly',
    ]);
    const viaOldPath = await server.write(`sys/renew/${leaseId}`, {});
    expect(viaOldPath.body.lease_duration).toBe(50);
  });

  it.each([
    [{}, 'lease_id must be specified'],
    [{ lease_id: 'dyn/creds/app/nope' }, 'lease not found'],
  ])('answers 400 for %j', async (body, text) => {
    const res = await server.write('sys/leases/renew', body);
    expect(res).toMatchObject({ status: 400, body: { errors: [text] } });
  });

  it('answers lease is not renewable / lease expired', async () => {
    const fixed = (await server.read('dyn/creds/fixed')).body.lease_id;
    expect((await server.write('sys/leases/renew', { lease_id: fixed })).body.errors).toEqual([
      'lease is not renewable',
    ]);
    const app = (await server.read('dyn/creds/app')).body.lease_id;
    clock.advanceSeconds(60);
    expect((await server.write('sys/leases/renew', { lease_id: app })).body.errors).toEqual([
      'lease expired',
    ]);
    expect(revoked).toEqual(['user-1', 'user-2']);
  });

  it('revokes with 204 and calls onRevoke once', async () => {
    const leaseId = (await server.read('dyn/creds/app')).body.lease_id;
    const res = await server.write('sys/leases/revoke', { lease_id: leaseId });
    expect(res.status).toBe(204);
    expect(revoked).toEqual(['user-1']);
    expect((await server.write('sys/leases/renew', { lease_id: leaseId })).body.errors).toEqual([
      'lease not found',
    ]);
  });

  it('revokes the leases of a token revoked with it', async () => {
    await server.write('sys/policies/acl/dyn', {
      policy: 'path "dyn/*" { capabilities = ["read"] }',
    });
    const token = (await server.write('auth/token/create', { policies: ['dyn'], ttl: '1h' })).body
      .auth.client_token;
    await server.read('dyn/creds/app', token);
    await server.read('dyn/creds/app', token);
    await server.read('dyn/creds/app');
    expect((await server.write('auth/token/revoke-self', {}, token)).status).toBe(204);
    expect(revoked).toEqual(['user-1', 'user-2']);
  });

  it('lets tests revoke a lease directly', async () => {
    const leaseId = (await server.read('dyn/creds/app')).body.lease_id;
    expect(server.revokeLease(leaseId)).toBe(true);
    expect(revoked).toEqual(['user-1']);
  });
});
