import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AppRoleHandle,
  createSecretId,
  login,
  setupAppRole,
} from '../vault-server/approle-fixture.ts';
import { ManualClock, startVaultServer, type VaultServer } from '../vault-server/index.ts';

const INVALID = { errors: ['wrapping token is not valid or does not exist'] };
const WRAPPER_KEYS = [
  'request_id',
  'lease_id',
  'renewable',
  'lease_duration',
  'data',
  'wrap_info',
  'warnings',
  'auth',
  'mount_type',
];

describe('response wrapping (WIRE §1, §3)', () => {
  let clock: ManualClock;
  let server: VaultServer;
  let handle: AppRoleHandle;
  beforeEach(async () => {
    clock = new ManualClock();
    server = await startVaultServer({ clock });
    handle = await setupAppRole(server);
  });
  afterEach(() => server.close());

  it('wraps a secret ID: empty request_id, null data, wrap_info with the secret ID accessor', async () => {
    const res = await createSecretId(server, handle, {}, '120s');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(WRAPPER_KEYS);
    expect(res.body).toMatchObject({
      request_id: '',
      lease_id: '',
      data: null,
      auth: null,
      warnings: null,
    });
    expect(Object.keys(res.body.wrap_info)).toEqual([
      'token',
      'accessor',
      'ttl',
      'creation_time',
      'creation_path',
      'wrapped_accessor',
    ]);
    expect(res.body.wrap_info).toMatchObject({
      ttl: 120,
      creation_time: '2024-01-01T00:00:00Z',
      creation_path: 'auth/approle/role/app/secret-id',
    });
    const list = await server.list('auth/approle/role/app/secret-id');
    expect(list.body.data.keys).toEqual([res.body.wrap_info.wrapped_accessor]);
  });

  it.each([
    ['90', 90],
    ['2m', 120],
    ['1h30m', 5400],
  ])('takes X-Vault-Wrap-TTL %s as %d seconds', async (header, ttl) => {
    const res = await createSecretId(server, handle, {}, header);
    expect(res.body.wrap_info.ttl).toBe(ttl);
  });

  it('looks up without consuming, then unwraps once with the original response', async () => {
    const wrapped = await createSecretId(server, handle, {}, '120s');
    const token = wrapped.body.wrap_info.token;
    const lookup = await server.write('sys/wrapping/lookup', { token }, null);
    expect(lookup.status).toBe(200);
    expect(lookup.body.data).toEqual({
      creation_path: 'auth/approle/role/app/secret-id',
      creation_time: '2024-01-01T00:00:00Z',
      creation_ttl: 120,
    });
    expect((await server.write('sys/wrapping/lookup', { token }, null)).status).toBe(200);
    const unwrapped = await server.request('PUT', 'sys/wrapping/unwrap', { token });
    expect(unwrapped.status).toBe(200);
    expect(Object.keys(unwrapped.body)).toEqual(WRAPPER_KEYS);
    expect(unwrapped.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(unwrapped.body.mount_type).toBe('approle');
    expect(unwrapped.body.data.secret_id_accessor).toBe(wrapped.body.wrap_info.wrapped_accessor);
    expect((await login(server, handle, unwrapped.body.data.secret_id)).status).toBe(200);
    expect((await server.request('PUT', 'sys/wrapping/unwrap', { token })).body).toEqual(INVALID);
    expect((await server.write('sys/wrapping/lookup', { token }, null)).body).toEqual(INVALID);
  });

  it('unwraps with another token and {token} in the body', async () => {
    const token = (await createSecretId(server, handle, {}, '60s')).body.wrap_info.token;
    const res = await server.write('sys/wrapping/unwrap', { token });
    expect(res.status).toBe(200);
    expect(res.body.data.secret_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await server.write('sys/wrapping/unwrap', { token })).body).toEqual(INVALID);
  });

  it('refuses an expired wrapping token and a token that is not a wrapping token', async () => {
    const token = (await createSecretId(server, handle, {}, '60s')).body.wrap_info.token;
    clock.advanceSeconds(60);
    expect((await server.request('PUT', 'sys/wrapping/unwrap', { token })).body).toEqual(INVALID);
    expect((await server.request('PUT', 'sys/wrapping/unwrap', {})).body).toEqual(INVALID);
  });

  it('wraps any response, e.g. a KV read, and the wrapping token is a response-wrapping token', async () => {
    await server.write('secret/data/app', { data: { k: 'v' } });
    const wrapped = await server.request('GET', 'secret/data/app', {
      headers: { 'X-Vault-Wrap-TTL': '30' },
    });
    expect(wrapped.body.wrap_info.creation_path).toBe('secret/data/app');
    const token = wrapped.body.wrap_info.token;
    expect((await server.read('auth/token/lookup-self', token)).status).toBe(403);
    expect((await server.request('PUT', 'sys/wrapping/unwrap', { token })).body.data.data).toEqual({
      k: 'v',
    });
  });
});
