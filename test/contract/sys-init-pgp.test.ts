import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  makeOpenPgpOperator,
  type OpenPgpOperator,
  startVaultServer,
  type VaultServer,
} from '../vault-server/index.ts';

// Contract: sys/init with PGP keys (WIRE §7; http/sys_init.go, vault/init.go, helper/pgpkeys).
let operators: OpenPgpOperator[];
let signOnly: OpenPgpOperator;
let server: VaultServer;

beforeAll(async () => {
  operators = await Promise.all(['ann', 'bob', 'cyd'].map((name) => makeOpenPgpOperator(name)));
  signOnly = await makeOpenPgpOperator('dan', { encrypt: false });
});

afterEach(() => server.close());

const keysOf = (n: number) => operators.slice(0, n).map((o) => o.publicKeyBase64);

async function initialised(): Promise<boolean> {
  return (await server.read('sys/init', null)).body.initialized;
}

describe('sys/init with pgp_keys and root_token_pgp_key', () => {
  it('encrypts share i to key i as its hex string, keys[] hex and keys_base64[] base64 of the same message', async () => {
    server = await startVaultServer({ initialized: false });
    const res = await server.write(
      'sys/init',
      {
        secret_shares: 3,
        secret_threshold: 2,
        pgp_keys: keysOf(3),
        root_token_pgp_key: operators[0]?.publicKeyBase64,
      },
      null,
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['keys', 'keys_base64', 'root_token']);
    const { keys, keys_base64: keysBase64, root_token: rootToken } = res.body;
    const shares: string[] = [];
    for (const [i, operator] of operators.entries()) {
      const message = Buffer.from(keysBase64[i], 'base64');
      expect(message.toString('hex')).toBe(keys[i]);
      // A binary PGP message: the first packet's tag byte has its high bit set.
      expect((message[0] as number) & 0x80).toBe(0x80);
      const share = await operator.decrypt(keysBase64[i]);
      expect(share).toMatch(/^[0-9a-f]{66}$/);
      shares.push(share);
    }
    await expect(operators[1]?.decrypt(keysBase64[0])).rejects.toThrow();
    expect(new Set(shares).size).toBe(3);
    // The root token is a PGP message too, base64 like keys_base64.
    expect(rootToken).not.toMatch(/^hvs\./);
    const token = await operators[0]?.decrypt(rootToken);
    expect(token).toMatch(/^hvs\./);
    expect(token).toBe(server.rootToken);
    expect(shares).toEqual(server.unsealKeys);

    // The decrypted shares unseal, as hex or as base64 of the share bytes.
    expect((await server.write('sys/unseal', { key: shares[2] }, null)).body).toMatchObject({
      sealed: true,
      progress: 1,
    });
    const base64Share = Buffer.from(shares[0] as string, 'hex').toString('base64');
    const done = await server.write('sys/unseal', { key: base64Share }, null);
    expect(done.body).toMatchObject({ sealed: false, progress: 0, t: 2, n: 3 });
    expect((await server.read('auth/token/lookup-self', token)).status).toBe(200);
  });

  it('answers plain shares and token without PGP keys', async () => {
    server = await startVaultServer({ initialized: false });
    const res = await server.write('sys/init', { secret_shares: 1, secret_threshold: 1 }, null);
    expect(res.body.keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.root_token).toBe(server.rootToken);
  });

  const cases: [string, () => Record<string, unknown>, string][] = [
    [
      'fewer keys than shares',
      () => ({ secret_shares: 3, secret_threshold: 2, pgp_keys: keysOf(2) }),
      'incorrect number of PGP keys',
    ],
    [
      'an armored key',
      () => ({ secret_shares: 1, secret_threshold: 1, pgp_keys: [operators[0]?.armoredPublicKey] }),
      'invalid seal configuration: error decoding given PGP key: illegal base64 data at input byte 0',
    ],
    [
      'base64 with stray padding',
      () => ({ secret_shares: 1, secret_threshold: 1, pgp_keys: ['QUJD='] }),
      'invalid seal configuration: error decoding given PGP key: illegal base64 data at input byte 4',
    ],
    [
      'base64 of the armored text',
      () => ({
        secret_shares: 1,
        secret_threshold: 1,
        pgp_keys: [Buffer.from(operators[0]?.armoredPublicKey ?? '').toString('base64')],
      }),
      'invalid seal configuration: error parsing given PGP key: openpgp: invalid data: tag byte does not have MSB set',
    ],
    [
      'an empty key',
      () => ({ secret_shares: 1, secret_threshold: 1, pgp_keys: [''] }),
      'invalid seal configuration: error parsing given PGP key: EOF',
    ],
    [
      'a threshold above the shares (checked before the keys are read)',
      () => ({ secret_shares: 2, secret_threshold: 3, pgp_keys: ['!', '!'] }),
      'invalid seal configuration: threshold cannot be larger than shares',
    ],
    [
      'recovery settings on a Shamir seal',
      () => ({ secret_shares: 1, secret_threshold: 1, recovery_shares: 3, recovery_threshold: 2 }),
      'parameters recovery_shares,recovery_threshold not applicable to seal type shamir',
    ],
    [
      'recovery_pgp_keys on a Shamir seal',
      () => ({ secret_shares: 1, secret_threshold: 1, recovery_pgp_keys: keysOf(1) }),
      'parameters recovery_pgp_keys not applicable to seal type shamir',
    ],
    [
      'shares as a string',
      () => ({ secret_shares: '3', secret_threshold: 2 }),
      'failed to parse JSON input: json: cannot unmarshal string into Go struct field InitRequest.secret_shares of type int',
    ],
    [
      'pgp_keys as one string',
      () => ({ secret_shares: 1, secret_threshold: 1, pgp_keys: keysOf(1)[0] }),
      'failed to parse JSON input: json: cannot unmarshal string into Go struct field InitRequest.pgp_keys of type []string',
    ],
  ];

  it.each(cases)('refuses %s with 400 and stays uninitialised', async (_name, body, text) => {
    server = await startVaultServer({ initialized: false });
    expect(await server.write('sys/init', body(), null)).toMatchObject({
      status: 400,
      body: { errors: [text] },
    });
    expect(await initialised()).toBe(false);
  });

  it('refuses a key it cannot encrypt to before writing anything', async () => {
    server = await startVaultServer({ initialized: false });
    const res = await server.write(
      'sys/init',
      { secret_shares: 2, secret_threshold: 2, pgp_keys: [keysOf(1)[0], signOnly.publicKeyBase64] },
      null,
    );
    const keyId = signOnly.keyId.replace(/^0+/, '');
    expect(res).toMatchObject({
      status: 400,
      body: {
        errors: [
          `error setting up encryption for PGP message: openpgp: invalid argument: cannot encrypt a message to key id ${keyId} because it has no valid encryption keys`,
        ],
      },
    });
    expect(await initialised()).toBe(false);
  });

  it('checks the request before "already initialized", then refuses a second init', async () => {
    server = await startVaultServer();
    const recovery = await server.write('sys/init', { recovery_shares: 1 }, null);
    expect(recovery.body.errors).toEqual([
      'parameters recovery_shares not applicable to seal type shamir',
    ]);
    const bad = await server.write('sys/init', { secret_shares: 0 }, null);
    expect(bad.body.errors).toEqual(['invalid seal configuration: shares must be at least one']);
    const again = await server.write('sys/init', { secret_shares: 1, secret_threshold: 1 }, null);
    expect(again).toMatchObject({
      status: 400,
      body: { errors: ['Vault is already initialized'] },
    });
  });

  it('reproduces the trap: a bad root_token_pgp_key answers 400 after the barrier is written', async () => {
    server = await startVaultServer({ initialized: false });
    const res = await server.write(
      'sys/init',
      {
        secret_shares: 3,
        secret_threshold: 2,
        pgp_keys: keysOf(3),
        root_token_pgp_key: operators[0]?.armoredPublicKey,
      },
      null,
    );
    expect(res).toMatchObject({
      status: 400,
      body: { errors: ['error decoding given PGP key: illegal base64 data at input byte 0'] },
    });
    // Initialised and sealed, and the shares were never shown: only a test control can unseal.
    expect(await initialised()).toBe(true);
    expect((await server.read('sys/seal-status', null)).body).toMatchObject({
      sealed: true,
      t: 2,
      n: 3,
    });
    const again = await server.write('sys/init', { secret_shares: 1, secret_threshold: 1 }, null);
    expect(again.body.errors).toEqual(['Vault is already initialized']);
  });
});
