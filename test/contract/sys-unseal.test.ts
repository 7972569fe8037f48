import { afterEach, describe, expect, it } from 'vitest';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';

// Contract: sys/unseal and sys/leader on a single server (WIRE §1, §9; http/sys_seal.go,
// vault/core.go Unseal, http/sys_leader.go).
let server: VaultServer;
afterEach(() => server.close());

const unseal = (body: Record<string, unknown>) => server.write('sys/unseal', body, null);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

describe('sys/unseal', () => {
  it('counts a share once whether given as hex or base64, and answers the seal status', async () => {
    server = await startVaultServer({ sealed: true, shares: 3, threshold: 3 });
    const [k1, k2, k3] = server.unsealKeys as [string, string, string];
    const first = await unseal({ key: k1 });
    expect(first.body).toMatchObject({ type: 'shamir', sealed: true, t: 3, n: 3, progress: 1 });
    const nonce = first.body.nonce;
    expect(nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect((await unseal({ key: b64(k1) })).body).toMatchObject({ progress: 1, nonce });
    expect((await unseal({ Key: b64(k2) })).body).toMatchObject({ progress: 2, nonce });
    expect((await unseal({ key: k3.toUpperCase() })).body).toMatchObject({
      sealed: false,
      progress: 0,
      nonce: '',
    });
    // Already unsealed: a well-formed key just gets the status back.
    expect((await unseal({ key: k1 })).body).toMatchObject({ sealed: false, progress: 0 });
  });

  it('resets progress on request, and refuses a reset once unsealed', async () => {
    server = await startVaultServer({ sealed: true, shares: 3, threshold: 2 });
    await unseal({ key: server.unsealKeys[0] });
    expect((await unseal({ reset: true })).body).toMatchObject({ progress: 0, nonce: '' });
    server.unseal();
    expect(await unseal({ reset: true })).toMatchObject({
      status: 400,
      body: { errors: ['vault is unsealed'] },
    });
  });

  it('drops all progress when the shares at the threshold do not combine', async () => {
    server = await startVaultServer({ sealed: true, shares: 3, threshold: 2 });
    await unseal({ key: server.unsealKeys[0] });
    const wrong = await unseal({ key: 'ab'.repeat(33) });
    expect(wrong).toMatchObject({ status: 400, body: { errors: ['Unseal failed, invalid key'] } });
    expect((await server.read('sys/seal-status', null)).body).toMatchObject({
      sealed: true,
      progress: 0,
    });
  });

  it.each([
    [{ key: 'zz!' }, "'key' must be a valid hex or base64 string"],
    // Valid hex but 2 bytes: Vault then tries base64, which gives 3 bytes.
    [{ key: 'abcd' }, 'invalid key: key is shorter than minimum 16 bytes'],
    [{ key: 'ab'.repeat(40) }, 'invalid key: key is longer than maximum 33 bytes'],
    [{}, "'key' must be specified in request body as JSON, or 'reset' set to true"],
    [
      { key: 7 },
      'failed to parse JSON input: json: cannot unmarshal number into Go struct field UnsealRequest.Key of type string',
    ],
  ])('refuses %j with 400', async (body, text) => {
    server = await startVaultServer({ sealed: true, shares: 3, threshold: 2 });
    expect(await unseal(body)).toMatchObject({ status: 400, body: { errors: [text] } });
  });

  it('answers "Vault is not initialized" before looking at the key', async () => {
    server = await startVaultServer({ initialized: false });
    expect(await unseal({ key: 'abcd' })).toMatchObject({
      status: 400,
      body: { errors: ['Vault is not initialized'] },
    });
  });
});

describe('sys/leader on a single server', () => {
  it.each([
    ['unsealed', {}],
    ['sealed', { sealed: true }],
    ['uninitialised', { initialized: false }],
  ])('answers ha_enabled false with 200 when %s', async (_name, options) => {
    server = await startVaultServer(options);
    const res = await server.read('sys/leader', null);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ha_enabled: false,
      is_self: false,
      active_time: '0001-01-01T00:00:00Z',
      leader_address: '',
      leader_cluster_address: '',
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
    });
  });
});
