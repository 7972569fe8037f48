import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseEngine } from '../vault-server/engines/index.ts';
import { ManualClock, startVaultServer, type VaultServer } from '../vault-server/index.ts';

// Contract: dynamic database credentials are leased, renewable, and dropped on revoke/expiry.
const clock = new ManualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
let server: VaultServer;
let database: DatabaseEngine;

beforeAll(async () => {
  server = await startVaultServer({ clock });
  expect((await server.write('sys/mounts/database', { type: 'database' })).status).toBe(204);
  await server.write('database/config/pg', {
    plugin_name: 'postgresql-database-plugin',
    connection_url: 'postgresql://{{username}}:{{password}}@db:5432/app',
    allowed_roles: 'app',
    username: 'vault',
    password: 'root-password',
  });
  const role = await server.write('database/roles/app', {
    db_name: 'pg',
    creation_statements: ['CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\';'],
    default_ttl: '1h',
    max_ttl: '2h',
  });
  expect(role.status).toBe(204);
  database = server.core.mounts.find('database/')?.engine as DatabaseEngine;
});

afterAll(async () => {
  await server.close();
});

describe('database over HTTP', () => {
  it('creates credentials with a renewable lease under database/creds/<role>/', async () => {
    const response = await server.read('database/creds/app');
    expect(response.status).toBe(200);
    expect(response.body.lease_id).toMatch(/^database\/creds\/app\/[A-Za-z0-9]{24}$/);
    expect(response.body).toMatchObject({
      renewable: true,
      lease_duration: 3600,
      mount_type: 'database',
    });
    expect(response.body.data.username).toMatch(/^v-[a-z]+-app-[A-Za-z0-9]{20}-\d+$/);
    expect(response.body.data.password).toMatch(/^[A-Za-z0-9-]{20}$/);
    expect(database.liveUsers()).toContain(response.body.data.username);
  });

  it("renews through sys/leases/renew, capped at max_ttl with Vault's warning", async () => {
    const creds = await server.read('database/creds/app');
    const renewed = await server.write('sys/leases/renew', {
      lease_id: creds.body.lease_id,
      increment: 1800,
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({
      lease_id: creds.body.lease_id,
      renewable: true,
      lease_duration: 1800,
    });
    clock.advance(25 * 60 * 1000);
    const longer = await server.write('sys/leases/renew', {
      lease_id: creds.body.lease_id,
      increment: 3600,
    });
    expect(longer.body.lease_duration).toBe(3600);
    clock.advance(55 * 60 * 1000);
    // 80 minutes into a 2h max_ttl: only 40 minutes are left to give.
    const capped = await server.write('sys/leases/renew', {
      lease_id: creds.body.lease_id,
      increment: 3600,
    });
    expect(capped.body.lease_duration).toBe(2400);
    expect(capped.body.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "40m"; TTL value is capped accordingly',
    ]);
  });

  it('drops the user when the lease is revoked', async () => {
    const creds = await server.read('database/creds/app');
    const username = creds.body.data.username;
    expect(
      (await server.write('sys/leases/revoke', { lease_id: creds.body.lease_id })).status,
    ).toBe(204);
    expect(database.droppedUsers()).toContain(username);
    expect(database.liveUsers()).not.toContain(username);
  });

  it('drops the user when the lease expires', async () => {
    const creds = await server.read('database/creds/app');
    const username = creds.body.data.username;
    clock.advance(3601 * 1000);
    await vi.waitFor(() => expect(database.droppedUsers()).toContain(username), { timeout: 5000 });
  });

  it("answers Vault's errors for an unknown or not allowed role", async () => {
    expect(await server.read('database/creds/none')).toMatchObject({
      status: 400,
      body: { errors: ['unknown role: none'] },
    });
    await server.write('database/roles/other', { db_name: 'pg' });
    expect(await server.read('database/creds/other')).toMatchObject({
      status: 500,
      body: { errors: ['"other" is not an allowed role'] },
    });
  });
});
