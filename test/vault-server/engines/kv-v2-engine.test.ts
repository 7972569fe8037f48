import { describe, expect, it } from 'vitest';
import { call, callError, ManualClock } from './engine-harness.ts';
import { engineFactories } from './index.ts';
import { KvV2Engine } from './kv-v2-engine.ts';

const T0 = '2025-01-02T03:04:05Z';

function setup() {
  const clock = new ManualClock(Date.UTC(2025, 0, 2, 3, 4, 5));
  return { clock, kv: new KvV2Engine(clock, { version: '2' }) };
}

describe('KV v2 engine: data/', () => {
  it('is what the kv factory makes for version "2"', () => {
    expect(engineFactories.kv?.({ clock: new ManualClock() }, { version: '2' })).toBeInstanceOf(
      KvV2Engine,
    );
  });

  it('answers a write with the version metadata and a read with data + metadata', async () => {
    const { kv } = setup();
    expect(await call(kv, 'create', 'data/app/db', { body: { data: { user: 'u' } } })).toEqual({
      data: {
        created_time: T0,
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      },
    });
    expect(await call(kv, 'read', 'data/app/db')).toEqual({
      data: {
        data: { user: 'u' },
        metadata: {
          created_time: T0,
          custom_metadata: null,
          deletion_time: '',
          destroyed: false,
          version: 1,
        },
      },
    });
  });

  it('reads older versions with ?version=N and 404s versions that never existed', async () => {
    const { kv, clock } = setup();
    await call(kv, 'update', 'data/p', { body: { data: { v: 1 } } });
    clock.advance(1500);
    await call(kv, 'update', 'data/p', { body: { data: { v: 2 } } });
    const v1 = await call(kv, 'read', 'data/p', { query: { version: '1' } });
    expect(v1.data).toMatchObject({ data: { v: 1 }, metadata: { version: 1 } });
    const latest = await call(kv, 'read', 'data/p');
    expect(latest.data).toMatchObject({
      data: { v: 2 },
      metadata: { version: 2, created_time: '2025-01-02T03:04:06.5Z' },
    });
    expect(await callError(kv, 'read', 'data/p', { query: { version: '7' } })).toMatchObject({
      status: 404,
      errors: [],
    });
    expect(await callError(kv, 'read', 'data/absent')).toMatchObject({ status: 404, errors: [] });
  });

  it.each([
    [undefined, 'created'],
    [0, 'created'],
    [1, 'check-and-set parameter did not match the current version'],
  ])('check-and-set on a new key with cas=%j: %s', async (cas, outcome) => {
    const { kv } = setup();
    const body = { data: { a: 'b' }, ...(cas === undefined ? {} : { options: { cas } }) };
    if (outcome === 'created') {
      expect((await call(kv, 'update', 'data/k', { body })).data).toMatchObject({ version: 1 });
    } else {
      expect(await callError(kv, 'update', 'data/k', { body })).toMatchObject({
        status: 400,
        errors: [outcome],
      });
    }
  });

  it('refuses a cas that does not match the current version, accepts the right one', async () => {
    const { kv } = setup();
    await call(kv, 'update', 'data/k', { body: { data: { a: 1 } } });
    const stale = { data: { a: 2 }, options: { cas: 0 } };
    expect(await callError(kv, 'update', 'data/k', { body: stale })).toMatchObject({
      status: 400,
      errors: ['check-and-set parameter did not match the current version'],
    });
    const fresh = { data: { a: 2 }, options: { cas: 1 } };
    expect((await call(kv, 'update', 'data/k', { body: fresh })).data).toMatchObject({
      version: 2,
    });
  });

  it('requires a data object', async () => {
    const { kv } = setup();
    expect(await callError(kv, 'update', 'data/k', { body: { a: 1 } })).toMatchObject({
      status: 400,
      errors: ['no data provided'],
    });
  });

  it('soft-deletes the latest version on DELETE: 404 with the full body, then undelete restores it', async () => {
    const { kv, clock } = setup();
    await call(kv, 'update', 'data/k', { body: { data: { a: 1 } } });
    clock.advance(2000);
    expect(await call(kv, 'delete', 'data/k')).toEqual({ noContent: true });
    expect(await call(kv, 'read', 'data/k')).toEqual({
      status: 404,
      data: {
        data: null,
        metadata: {
          created_time: T0,
          custom_metadata: null,
          deletion_time: '2025-01-02T03:04:07Z',
          destroyed: false,
          version: 1,
        },
      },
    });
    await call(kv, 'update', 'undelete/k', { body: { versions: [1] } });
    expect((await call(kv, 'read', 'data/k')).data).toMatchObject({ data: { a: 1 } });
  });

  it('deletes chosen versions and destroys them for good (destroy beats undelete)', async () => {
    const { kv } = setup();
    await call(kv, 'update', 'data/k', { body: { data: { a: 1 } } });
    await call(kv, 'update', 'data/k', { body: { data: { a: 2 } } });
    await call(kv, 'update', 'delete/k', { body: { versions: '1' } });
    const deleted = await call(kv, 'read', 'data/k', { query: { version: '1' } });
    expect(deleted.status).toBe(404);
    expect((await call(kv, 'read', 'data/k')).data).toMatchObject({ data: { a: 2 } });
    await call(kv, 'update', 'destroy/k', { body: { versions: [2] } });
    await call(kv, 'update', 'undelete/k', { body: { versions: [2] } });
    expect(await call(kv, 'read', 'data/k')).toMatchObject({
      status: 404,
      data: { data: null, metadata: { version: 2, destroyed: true, deletion_time: '' } },
    });
  });

  it.each([
    ['delete/k', 'No version number provided'],
    ['undelete/k', 'No version number provided'],
    ['destroy/k', 'no version number provided'],
  ])('%s without versions: 400 %s', async (path, text) => {
    const { kv } = setup();
    expect(await callError(kv, 'update', path)).toMatchObject({ status: 400, errors: [text] });
  });

  it('keeps at most max_versions (key setting), dropping the oldest', async () => {
    const { kv } = setup();
    await call(kv, 'update', 'metadata/k', { body: { max_versions: 2 } });
    for (const v of [1, 2, 3]) await call(kv, 'update', 'data/k', { body: { data: { v } } });
    expect(await callError(kv, 'read', 'data/k', { query: { version: '1' } })).toMatchObject({
      status: 404,
    });
    const meta = (await call(kv, 'read', 'metadata/k')).data as Record<string, unknown>;
    expect(meta).toMatchObject({ current_version: 3, oldest_version: 2, max_versions: 2 });
    expect(Object.keys(meta.versions as object)).toEqual(['2', '3']);
  });
});

describe('KV v2 engine: metadata/ and config', () => {
  it('reads metadata with Vault field names', async () => {
    const { kv } = setup();
    await call(kv, 'update', 'data/k', { body: { data: { a: 1 } } });
    await call(kv, 'update', 'metadata/k', { body: { custom_metadata: { owner: 'ops' } } });
    expect((await call(kv, 'read', 'metadata/k')).data).toEqual({
      cas_required: false,
      created_time: T0,
      current_version: 1,
      custom_metadata: { owner: 'ops' },
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
      updated_time: T0,
      versions: { '1': { created_time: T0, deletion_time: '', destroyed: false } },
    });
    expect((await call(kv, 'read', 'data/k')).data).toMatchObject({
      metadata: { custom_metadata: { owner: 'ops' } },
    });
  });

  it('lists keys under a prefix with folders, 404 when empty, and DELETE removes all versions', async () => {
    const { kv } = setup();
    for (const path of ['app/db', 'app/tls/cert', 'top']) {
      await call(kv, 'update', `data/${path}`, { body: { data: { a: 1 } } });
    }
    expect(await call(kv, 'list', 'metadata/app/')).toEqual({ data: { keys: ['db', 'tls/'] } });
    expect(await call(kv, 'list', 'metadata')).toEqual({ data: { keys: ['app/', 'top'] } });
    expect(await callError(kv, 'list', 'metadata/none/')).toMatchObject({
      status: 404,
      errors: [],
    });
    expect(await call(kv, 'delete', 'metadata/app/db')).toEqual({ noContent: true });
    expect(await callError(kv, 'read', 'data/app/db')).toMatchObject({ status: 404, errors: [] });
  });

  it('makes cas mandatory when the key says so', async () => {
    const { kv } = setup();
    await call(kv, 'update', 'metadata/k', { body: { cas_required: true } });
    expect(await callError(kv, 'update', 'data/k', { body: { data: { a: 1 } } })).toMatchObject({
      errors: ['check-and-set parameter required for this call'],
    });
  });

  it('deletes versions automatically after delete_version_after', async () => {
    const { kv, clock } = setup();
    await call(kv, 'update', 'config', { body: { delete_version_after: '10s' } });
    await call(kv, 'update', 'data/k', { body: { data: { a: 1 } } });
    expect((await call(kv, 'read', 'data/k')).status).toBeUndefined();
    clock.advance(10_000);
    expect((await call(kv, 'read', 'data/k')).status).toBe(404);
  });

  it('reports existence only for data/ and metadata/ keys that exist', async () => {
    const { kv } = setup();
    expect(kv.exists('data/k')).toBe(false);
    await call(kv, 'update', 'data/k', { body: { data: { a: 1 } } });
    expect(kv.exists('data/k')).toBe(true);
    expect(kv.exists('metadata/k')).toBe(true);
    expect(kv.exists('delete/k')).toBe(true);
  });

  it('404s unknown routes with Vault\'s "unsupported path"', async () => {
    const { kv } = setup();
    expect(await callError(kv, 'read', 'nonsense/k')).toMatchObject({
      status: 404,
      errors: ['1 error occurred:\n\t* unsupported path\n\n'],
    });
  });
});
