import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';

// Contract: KV v1 on the wire, as WIRE.md §1 and Vault's passthrough backend answer it.
let server: VaultServer;

beforeAll(async () => {
  server = await startVaultServer();
  const mounted = await server.write('sys/mounts/kv1', { type: 'kv', options: { version: '1' } });
  expect(mounted.status).toBe(204);
});

afterAll(async () => {
  await server.close();
});

describe('KV v1 over HTTP', () => {
  it('writes with 204 and no body', async () => {
    const response = await server.write('kv1/app/db', { username: 'app', password: 'pw' });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });

  it('reads the key/values in the wrapper with lease_duration 2764800 and no lease', async () => {
    await server.write('kv1/app/plain', { username: 'app' });
    const response = await server.read('kv1/app/plain');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 2764800,
      data: { username: 'app' },
      wrap_info: null,
      auth: null,
      mount_type: 'kv',
    });
  });

  it('takes lease_duration from a ttl key as a hint', async () => {
    await server.write('kv1/app/hinted', { value: 'v', ttl: '1h' });
    const response = await server.read('kv1/app/hinted');
    expect(response.body.lease_duration).toBe(3600);
    expect(response.body.lease_id).toBe('');
    expect(response.body.data).toEqual({ value: 'v', ttl: '1h' });
  });

  it('answers 404 {"errors":[]} for a missing path and after DELETE', async () => {
    expect(await server.read('kv1/app/none')).toMatchObject({ status: 404, body: { errors: [] } });
    await server.write('kv1/app/gone', { a: 'b' });
    expect((await server.delete('kv1/app/gone')).status).toBe(204);
    expect(await server.read('kv1/app/gone')).toMatchObject({ status: 404, body: { errors: [] } });
  });

  it('LISTs direct children with folders ending in "/" (LIST and GET ?list=true)', async () => {
    await server.write('kv1/tree/a', { x: '1' });
    await server.write('kv1/tree/sub/b', { x: '1' });
    const listed = await server.list('kv1/tree');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual({ keys: ['a', 'sub/'] });
    const viaGet = await server.read('kv1/tree/?list=true');
    expect(viaGet.body.data).toEqual({ keys: ['a', 'sub/'] });
  });

  it('answers an empty LIST with 404 {"errors":[]}', async () => {
    expect(await server.list('kv1/nothing-here/')).toMatchObject({
      status: 404,
      body: { errors: [] },
    });
  });

  it('refuses a write without fields with 400', async () => {
    expect(await server.write('kv1/app/empty', {})).toMatchObject({
      status: 400,
      body: { errors: ['missing data fields'] },
    });
  });
});
