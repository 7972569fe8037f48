import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startVaultServer, type VaultServer } from '../vault-server/index.ts';

// Contract: KV v2 on the wire (vault-plugin-secrets-kv), on the dev-mode `secret/` mount.
const clock = new ManualClock(Date.UTC(2025, 5, 1, 12, 0, 0));
let server: VaultServer;

beforeAll(async () => {
  server = await startVaultServer({ clock });
});

afterAll(async () => {
  await server.close();
});

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('KV v2 over HTTP', () => {
  it("answers a write with the new version's metadata", async () => {
    const response = await server.write('secret/data/app/config', { data: { key: 'v1' } });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      created_time: '2025-06-01T12:00:00Z',
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    });
  });

  it('reads {data, metadata} for the latest version and ?version=N for older ones', async () => {
    await server.write('secret/data/app/versions', { data: { n: 1 } });
    clock.advance(250);
    await server.write('secret/data/app/versions', { data: { n: 2 } });
    const latest = await server.read('secret/data/app/versions');
    expect(latest.body).toMatchObject({ lease_duration: 0, lease_id: '', mount_type: 'kv' });
    expect(latest.body.data).toEqual({
      data: { n: 2 },
      metadata: {
        created_time: '2025-06-01T12:00:00.25Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 2,
      },
    });
    const first = await server.read('secret/data/app/versions?version=1');
    expect(first.body.data.data).toEqual({ n: 1 });
    expect(first.body.data.metadata.version).toBe(1);
  });

  it('answers 404 {"errors":[]} for an absent path or version', async () => {
    expect(await server.read('secret/data/app/absent')).toMatchObject({
      status: 404,
      body: { errors: [] },
    });
    await server.write('secret/data/app/one', { data: { a: 1 } });
    expect(await server.read('secret/data/app/one?version=9')).toMatchObject({
      status: 404,
      body: { errors: [] },
    });
  });

  it("refuses a stale check-and-set with Vault's text", async () => {
    await server.write('secret/data/app/cas', { data: { a: 1 } });
    const stale = await server.write('secret/data/app/cas', {
      data: { a: 2 },
      options: { cas: 0 },
    });
    expect(stale).toMatchObject({
      status: 400,
      body: { errors: ['check-and-set parameter did not match the current version'] },
    });
    const fresh = await server.write('secret/data/app/cas', {
      data: { a: 2 },
      options: { cas: 1 },
    });
    expect(fresh.body.data.version).toBe(2);
  });

  it('answers a soft-deleted version with 404 AND the full body (data null, metadata set)', async () => {
    await server.write('secret/data/app/deleted', { data: { a: 1 } });
    expect((await server.delete('secret/data/app/deleted')).status).toBe(204);
    const response = await server.read('secret/data/app/deleted');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ lease_id: '', mount_type: 'kv', wrap_info: null });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.data).toBeNull();
    expect(response.body.data.metadata).toMatchObject({ version: 1, destroyed: false });
    expect(response.body.data.metadata.deletion_time).toMatch(RFC3339);
  });

  it('deletes, undeletes and destroys chosen versions', async () => {
    await server.write('secret/data/app/life', { data: { a: 1 } });
    await server.write('secret/data/app/life', { data: { a: 2 } });
    expect((await server.write('secret/delete/app/life', { versions: [1] })).status).toBe(204);
    expect((await server.read('secret/data/app/life?version=1')).status).toBe(404);
    expect((await server.write('secret/undelete/app/life', { versions: [1] })).status).toBe(204);
    expect((await server.read('secret/data/app/life?version=1')).body.data.data).toEqual({ a: 1 });
    expect((await server.write('secret/destroy/app/life', { versions: [2] })).status).toBe(204);
    const destroyed = await server.read('secret/data/app/life');
    expect(destroyed.status).toBe(404);
    expect(destroyed.body.data).toMatchObject({
      data: null,
      metadata: { version: 2, destroyed: true },
    });
  });

  it('reads, LISTs and DELETEs metadata', async () => {
    await server.write('secret/data/meta/a', { data: { x: 1 } });
    await server.write('secret/data/meta/dir/b', { data: { x: 1 } });
    const meta = await server.read('secret/metadata/meta/a');
    expect(meta.body.data).toMatchObject({
      current_version: 1,
      oldest_version: 0,
      max_versions: 0,
    });
    expect(meta.body.data.versions['1']).toMatchObject({ deletion_time: '', destroyed: false });
    expect((await server.list('secret/metadata/meta')).body.data).toEqual({ keys: ['a', 'dir/'] });
    expect(await server.list('secret/metadata/nothing/')).toMatchObject({
      status: 404,
      body: { errors: [] },
    });
    expect((await server.delete('secret/metadata/meta/a')).status).toBe(204);
    expect((await server.read('secret/data/meta/a')).status).toBe(404);
  });
});
