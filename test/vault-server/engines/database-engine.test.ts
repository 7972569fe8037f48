import { describe, expect, it } from 'vitest';
import { generatePassword, generateUsername } from './database-credentials.ts';
import { DatabaseEngine } from './database-engine.ts';
import { call, callError, ManualClock } from './engine-harness.ts';

async function setup(options: Record<string, string> = {}) {
  const clock = new ManualClock(Date.UTC(2025, 0, 2, 3, 4, 5));
  const db = new DatabaseEngine(clock, options);
  await call(db, 'update', 'config/pg', {
    body: {
      plugin_name: 'postgresql-database-plugin',
      connection_url: 'postgres://{{username}}@db',
      allowed_roles: 'app',
    },
  });
  await call(db, 'update', 'roles/app', {
    body: {
      db_name: 'pg',
      creation_statements: ['CREATE ROLE "{{name}}";'],
      default_ttl: '1h',
      max_ttl: '24h',
    },
  });
  return { clock, db };
}

describe('database engine', () => {
  it('creates a user with a renewable lease under <mount>creds/<role>', async () => {
    const { db } = await setup();
    const response = await call(db, 'read', 'creds/app', { mountPath: 'database/' });
    const data = response.data as { username: string; password: string };
    expect(data.username).toMatch(/^v-token-app-[A-Za-z0-9]{20}-1735787045$/);
    expect(data.password).toHaveLength(20);
    expect(response.lease).toMatchObject({
      pathPrefix: 'database/creds/app',
      ttlSeconds: 3600,
      maxTtlSeconds: 86400,
      renewable: true,
    });
    expect(db.liveUsers()).toEqual([data.username]);
  });

  it('drops the user when the core revokes the lease', async () => {
    const { db } = await setup();
    const response = await call(db, 'read', 'creds/app');
    const username = (response.data as { username: string }).username;
    response.lease?.onRevoke?.();
    expect(db.liveUsers()).toEqual([]);
    expect(db.droppedUsers()).toEqual([username]);
  });

  it('uses the mount TTLs when the role has none', async () => {
    const { db } = await setup();
    await call(db, 'update', 'roles/app', { body: { db_name: 'pg' } });
    expect((await call(db, 'read', 'creds/app')).lease).toMatchObject({
      ttlSeconds: 2764800,
      maxTtlSeconds: 2764800,
    });
  });

  it.each([
    ['creds/none', 400, 'unknown role: none'],
    ['creds/other', 500, '"other" is not an allowed role'],
  ])('%s -> %d %s', async (path, status, text) => {
    const { db } = await setup();
    await call(db, 'update', 'roles/other', { body: { db_name: 'pg' } });
    expect(await callError(db, 'read', path)).toMatchObject({ status, errors: [text] });
  });

  it('fails creds for a role whose connection is missing, and a role without db_name', async () => {
    const { db } = await setup();
    await call(db, 'update', 'roles/lost', { body: { db_name: 'gone' } });
    expect(await callError(db, 'read', 'creds/lost')).toMatchObject({
      status: 500,
      errors: ['failed to find entry for connection with name: "gone"'],
    });
    expect(await callError(db, 'update', 'roles/x', { body: {} })).toMatchObject({
      status: 400,
      errors: ['database name is required'],
    });
  });

  it('reads roles back with TTLs in seconds and never returns the connection password', async () => {
    const { db } = await setup();
    expect((await call(db, 'read', 'roles/app')).data).toMatchObject({
      db_name: 'pg',
      default_ttl: 3600,
      max_ttl: 86400,
      creation_statements: ['CREATE ROLE "{{name}}";'],
    });
    await call(db, 'update', 'config/pg', {
      body: { plugin_name: 'p', password: 'secret', allowed_roles: ['*'] },
    });
    expect(JSON.stringify((await call(db, 'read', 'config/pg')).data)).not.toContain('secret');
    expect(await call(db, 'list', 'roles/')).toEqual({ data: { keys: ['app'] } });
  });
});

describe('database credentials', () => {
  it("builds Vault's default username shape, truncating names to 8 characters", () => {
    const name = generateUsername('approle-long', 'application', Date.UTC(2025, 0, 1), () => 0);
    expect(name).toBe('v-approle--applicat-AAAAAAAAAAAAAAAAAAAA-1735689600');
  });

  it('always has a lowercase, an uppercase, a digit and a dash', () => {
    for (let i = 0; i < 50; i += 1) {
      const password = generatePassword();
      expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*-)[A-Za-z0-9-]{20}$/);
    }
  });
});
