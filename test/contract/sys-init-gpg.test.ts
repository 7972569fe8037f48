import { describe, expect, it } from 'vitest';
import { GpgHome, gpgAvailable, startVaultCluster } from '../vault-server/index.ts';

// Contract: shares encrypted by sys/init decrypt with real GnuPG (WIRE §7: `base64 -d | gpg -dq`
// prints the hex unseal key), and unseal every node of a cluster.
const hasGpg = await gpgAvailable();
if (!hasGpg) {
  console.warn(
    '\n*** SKIPPED: sys-init-gpg contract tests — no `gpg` on PATH (apt-get install gnupg) ***\n',
  );
}

describe.skipIf(!hasGpg)('sys/init shares and root token, decrypted by gpg', () => {
  it('gives each operator a share only their gpg can read, and those shares unseal each node', async () => {
    await using cluster = await startVaultCluster({ nodes: 3, initialized: false });
    await using ann = await GpgHome.create();
    await using bob = await GpgHome.create();
    await using cyd = await GpgHome.create();
    const homes = [ann, bob, cyd];
    const keys = await Promise.all(homes.map((home, i) => home.generateKey(`op${i + 1}`)));
    const [first, second, third] = cluster.nodes;
    if (!first || !second || !third) throw new Error('expected 3 nodes');

    const init = await second.write(
      'sys/init',
      {
        secret_shares: 3,
        secret_threshold: 2,
        pgp_keys: keys.map((k) => k.publicKeyBase64),
        root_token_pgp_key: keys[0]?.publicKeyBase64,
      },
      null,
    );
    expect(init.status, JSON.stringify(init.body)).toBe(200);
    const shares = await Promise.all(
      homes.map((home, i) => home.decrypt(init.body.keys_base64[i])),
    );
    for (const share of shares) expect(share).toMatch(/^[0-9a-f]{66}$/);
    // keys[] (hex of the message) carries the same bytes.
    expect(await bob.decrypt(Buffer.from(init.body.keys[1], 'hex'))).toBe(shares[1]);
    await expect(bob.decrypt(init.body.keys_base64[0])).rejects.toThrow();
    const rootToken = await ann.decrypt(init.body.root_token);
    expect(rootToken).toBe(cluster.rootToken);

    // Every node is initialised and sealed; each is unsealed on its own with two shares.
    for (const node of cluster.nodes) {
      expect((await node.read('sys/seal-status', null)).body).toMatchObject({
        initialized: true,
        sealed: true,
      });
    }
    for (const node of [third, first, second]) {
      await node.write('sys/unseal', { key: shares[0] }, null);
      const done = await node.write('sys/unseal', { key: shares[2] }, null);
      expect(done.body).toMatchObject({ sealed: false, progress: 0 });
    }
    // The first node unsealed took the lock.
    expect(cluster.active).toBe(third);
    expect((await first.read('auth/token/lookup-self', rootToken)).status).toBe(200);
  });
});
