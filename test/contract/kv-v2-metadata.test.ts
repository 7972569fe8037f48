import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startVaultServer, type VaultServer } from '../vault-server/index.ts';

// Contract: what backup and restore use of KV v2 (WIRE §8; vault-plugin-secrets-kv
// path_metadata.go, path_data.go), on the dev-mode `secret/` mount.
const clock = new ManualClock(Date.UTC(2025, 6, 1, 9, 0, 0));
let server: VaultServer;

beforeAll(async () => {
  server = await startVaultServer({ clock });
});

afterAll(() => server.close());

const metadataOf = async (path: string) => (await server.read(`secret/metadata/${path}`)).body.data;
const put = (path: string, data: unknown, options?: unknown) =>
  server.write(`secret/data/${path}`, { data, ...(options ? { options } : {}) });
const postMetadata = (path: string, body: unknown) => server.write(`secret/metadata/${path}`, body);

describe('KV v2 metadata for backup and restore', () => {
  it('reads every field, with versions and times from the server clock', async () => {
    await put('b/app', { v: 1 });
    clock.advance(1500);
    await put('b/app', { v: 2 });
    expect(await metadataOf('b/app')).toEqual({
      cas_required: false,
      created_time: '2025-07-01T09:00:00Z',
      current_version: 2,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
      updated_time: '2025-07-01T09:00:01.5Z',
      versions: {
        '1': { created_time: '2025-07-01T09:00:00Z', deletion_time: '', destroyed: false },
        '2': { created_time: '2025-07-01T09:00:01.5Z', deletion_time: '', destroyed: false },
      },
    });
    expect(await server.read('secret/metadata/b/none')).toMatchObject({
      status: 404,
      body: { errors: [] },
    });
  });

  it('creates a metadata-only key with current_version 0; writes replace custom_metadata whole', async () => {
    const created = await postMetadata('m/key', {
      custom_metadata: { owner: 'ops', tier: 1, on: true },
      max_versions: 5,
      cas_required: true,
      delete_version_after: '1h30m',
    });
    expect(created.status).toBe(204);
    clock.advance(1000);
    expect(await metadataOf('m/key')).toMatchObject({
      current_version: 0,
      custom_metadata: { owner: 'ops', tier: '1', on: '1' },
      max_versions: 5,
      cas_required: true,
      delete_version_after: '1h30m0s',
      versions: {},
    });
    expect((await postMetadata('m/key', { custom_metadata: { team: 'a' } })).status).toBe(204);
    const after = await metadataOf('m/key');
    expect(after.custom_metadata).toEqual({ team: 'a' });
    // Settings not sent are kept; a metadata write does not touch updated_time.
    expect(after).toMatchObject({ max_versions: 5, updated_time: after.created_time });
    expect((await postMetadata('m/key', { custom_metadata: {} })).status).toBe(204);
    expect((await metadataOf('m/key')).custom_metadata).toBeNull();
    // None of the four settings: nothing happens, not even a key.
    expect((await postMetadata('m/nothing', { other: 1 })).status).toBe(204);
    expect((await server.read('secret/metadata/m/nothing')).status).toBe(404);
  });

  it.each([
    [{ custom_metadata: { '': 'x' } }, ['length of key "" is 0 but must be 0 < len(key) <= 128']],
    [
      { custom_metadata: { k: '' } },
      ['length of value for key "k" is 0 but must be 0 < len(value) <= 512'],
    ],
    [
      { custom_metadata: { 'tab\there': 'v\n' } },
      [
        'key "tab\\there" (tab\there) contains unprintable characters',
        'value for key "tab\\there" contains unprintable characters',
      ],
    ],
    [
      { custom_metadata: { k: 'x'.repeat(513) } },
      ['length of value for key "k" is 513 but must be 0 < len(value) <= 512'],
    ],
    [
      { custom_metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, ''])) },
      ['payload must contain at most 64 keys, provided 65'],
    ],
  ])('refuses custom_metadata %j with every problem at once', async (body, problems) => {
    const res = await postMetadata('m/bad', body);
    const head =
      problems.length === 1 ? '1 error occurred:' : `${problems.length} errors occurred:`;
    const lines = problems.map((p) => `\t* custom_metadata validation failed: ${p}`).join('\n');
    expect(res).toMatchObject({ status: 400, body: { errors: [`${head}\n${lines}\n\n`] } });
    expect((await server.read('secret/metadata/m/bad')).status).toBe(404);
  });

  it('refuses a custom_metadata value that is not a scalar', async () => {
    const res = await postMetadata('m/bad', { custom_metadata: { k: ['a', 1] } });
    expect(res.body.errors).toEqual([
      "custom_metadata validation failed: '' expected type 'string', got unconvertible type '[]interface {}', value: '[a 1]'",
    ]);
  });

  it('LISTs keys whose current version is deleted, destroyed or absent; exclude_deleted hides soft-deleted ones', async () => {
    await put('l/live', { a: 1 });
    await put('l/deleted', { a: 1 });
    await server.delete('secret/data/l/deleted');
    await put('l/destroyed', { a: 1 });
    await server.write('secret/destroy/l/destroyed', { versions: [1] });
    await postMetadata('l/meta-only', { max_versions: 2 });
    await put('l/dir/child', { a: 1 });
    expect((await server.read('secret/data/l/deleted')).status).toBe(404);
    const all = ['deleted', 'destroyed', 'dir/', 'live', 'meta-only'];
    expect((await server.list('secret/metadata/l')).body.data.keys).toEqual(all);
    const shown = await server.request('LIST', 'secret/metadata/l/?exclude_deleted=true');
    expect(shown.body.data.keys).toEqual(['destroyed', 'dir/', 'live', 'meta-only']);
    await server.delete('secret/data/l/live');
    await server.delete('secret/data/l/dir/child');
    const left = await server.request('LIST', 'secret/metadata/l/dir?exclude_deleted=true');
    expect(left).toMatchObject({ status: 404, body: { errors: [] } });
  });

  it('hides a key whose current version only has a deletion time scheduled', async () => {
    await postMetadata('s/soon', { delete_version_after: '1h' });
    await put('s/soon', { a: 1 });
    await put('s/keep', { a: 1 });
    expect((await server.read('secret/data/s/soon')).status).toBe(200);
    const res = await server.request('LIST', 'secret/metadata/s?exclude_deleted=1');
    expect(res.body.data.keys).toEqual(['keep']);
  });
});

describe('KV v2 writes with options.cas', () => {
  it('takes cas 0 as "create only if absent", also for a key with metadata only', async () => {
    expect((await put('c/new', { a: 1 }, { cas: 0 })).body.data.version).toBe(1);
    const again = await put('c/new', { a: 2 }, { cas: 0 });
    expect(again).toMatchObject({
      status: 400,
      body: { errors: ['check-and-set parameter did not match the current version'] },
    });
    await postMetadata('c/meta', { custom_metadata: { o: 'p' } });
    const first = await put('c/meta', { a: 1 }, { cas: 0 });
    expect(first.body.data).toMatchObject({ version: 1, custom_metadata: { o: 'p' } });
    // A JSON null counts as 0, a numeric string as its number.
    expect((await put('c/null', { a: 1 }, { cas: null })).body.data.version).toBe(1);
    expect((await put('c/null', { a: 2 }, { cas: '1' })).body.data.version).toBe(2);
  });

  it.each([
    [{ cas: 'one' }, 'error parsing check-and-set parameter'],
    [{ cas: 1.5 }, 'error parsing check-and-set parameter'],
    [{ cas: [0] }, 'error parsing check-and-set parameter'],
  ])('refuses options %j', async (options, text) => {
    expect(await put('c/bad', { a: 1 }, options)).toMatchObject({
      status: 400,
      body: { errors: [text] },
    });
  });

  it('requires cas when the key says so, and refuses a write without data', async () => {
    await postMetadata('c/strict', { cas_required: true });
    expect((await put('c/strict', { a: 1 })).body.errors).toEqual([
      'check-and-set parameter required for this call',
    ]);
    expect((await put('c/strict', { a: 1 }, { cas: 0 })).status).toBe(200);
    const noData = await server.write('secret/data/c/strict', { options: { cas: 1 } });
    expect(noData).toMatchObject({ status: 400, body: { errors: ['no data provided'] } });
  });
});
