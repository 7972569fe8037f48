import { describe, expect, it } from 'vitest';
import { call, callError } from './engine-harness.ts';
import { engineFactories } from './index.ts';
import { KvV1Engine } from './kv-v1-engine.ts';

const clock = { now: () => 0 };

describe('KV v1 engine', () => {
  it('is what the kv factory makes without a version (or version "1")', () => {
    expect(engineFactories.kv?.({ clock }, {})).toBeInstanceOf(KvV1Engine);
    expect(engineFactories.kv?.({ clock }, { version: '1' })).toBeInstanceOf(KvV1Engine);
  });

  it('writes with 204 and reads the key/values back with the 768h lease hint', async () => {
    const kv = new KvV1Engine({});
    expect(await call(kv, 'create', 'app/db', { body: { user: 'u', n: 1 } })).toEqual({
      noContent: true,
    });
    expect(kv.exists('app/db')).toBe(true);
    expect(await call(kv, 'read', 'app/db')).toEqual({
      data: { user: 'u', n: 1 },
      leaseDurationSeconds: 2764800,
    });
  });

  it.each([
    [{ ttl: '1h' }, 3600],
    [{ ttl: 90 }, 90],
    [{ ttl: '90' }, 90],
    [{ lease: '2m' }, 120],
    [{ ttl: 'garbage' }, 2764800],
  ])('takes lease_duration from %j as %d', async (extra, seconds) => {
    const kv = new KvV1Engine({});
    await call(kv, 'update', 'p', { body: { value: 'v', ...extra } });
    expect((await call(kv, 'read', 'p')).leaseDurationSeconds).toBe(seconds);
  });

  it('answers 404 with no errors for a missing path and after a delete', async () => {
    const kv = new KvV1Engine({});
    expect(await callError(kv, 'read', 'nope')).toMatchObject({ status: 404, errors: [] });
    await call(kv, 'update', 'p', { body: { a: 'b' } });
    expect(await call(kv, 'delete', 'p')).toEqual({ noContent: true });
    expect(await callError(kv, 'read', 'p')).toMatchObject({ status: 404, errors: [] });
  });

  it('refuses an empty write like Vault', async () => {
    const kv = new KvV1Engine({});
    expect(await callError(kv, 'update', 'p')).toMatchObject({
      status: 400,
      errors: ['missing data fields'],
    });
  });

  it('lists direct children with folders ending in "/", 404 when empty', async () => {
    const kv = new KvV1Engine({});
    for (const path of ['app/db', 'app/api', 'app/tls/cert', 'other']) {
      await call(kv, 'update', path, { body: { a: 'b' } });
    }
    expect(await call(kv, 'list', 'app/')).toEqual({ data: { keys: ['api', 'db', 'tls/'] } });
    expect(await call(kv, 'list', 'app')).toEqual({ data: { keys: ['api', 'db', 'tls/'] } });
    expect(await call(kv, 'list', '')).toEqual({ data: { keys: ['app/', 'other'] } });
    expect(await callError(kv, 'list', 'empty/')).toMatchObject({ status: 404, errors: [] });
  });
});
