import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { GpgHome, gpgAvailable, startVaultCluster } from '../vault-server/index.ts';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

const hasGpg = await gpgAvailable();
if (!hasGpg) {
  console.warn(
    '\n*** SKIPPED: operator ceremony e2e with gpg — no `gpg` on PATH (apt-get install gnupg) ***\n',
  );
}

/** `gpg --armor --export`: the form operators usually mail around. */
async function armored(home: GpgHome, fingerprint: string): Promise<string> {
  const result = await execa('gpg', ['--batch', '--armor', '--export', fingerprint], {
    env: home.env,
  });
  return result.stdout;
}

const addrArgs = (addrs: string[]) => addrs.flatMap((a) => ['--addr', a]);

describe.skipIf(!hasGpg)('keyturn operator: the seal ceremony with real gpg', () => {
  it('inits with PGP keys, unseals a 3-node cluster share by share (with a reset), and reports it', {
    timeout: 120_000,
  }, async () => {
    await using cluster = await startVaultCluster({ nodes: 3, initialized: false });
    await using dir = await tempDir();
    await using ann = await GpgHome.create();
    await using bob = await GpgHome.create();
    await using cyd = await GpgHome.create();
    const [annKey, bobKey, cydKey] = await Promise.all([
      ann.generateKey('ann'),
      bob.generateKey('bob'),
      cyd.generateKey('cyd'),
    ]);
    if (!annKey || !bobKey || !cydKey) throw new Error('keys');
    // Armored and binary key files both work.
    await writeFile(join(dir.path, 'ann.asc'), await armored(ann, annKey.fingerprint));
    await writeFile(join(dir.path, 'bob.gpg'), Buffer.from(bobKey.publicKeyBase64, 'base64'));
    await writeFile(join(dir.path, 'cyd.asc'), await armored(cyd, cydKey.fingerprint));
    const addrs = cluster.nodes.map((n) => n.addr);
    const [n1, n2, n3] = cluster.nodes;
    if (!n1 || !n2 || !n3) throw new Error('nodes');

    const init = await runKeyturn(
      [
        'operator',
        'init',
        '--addr',
        n2.addr,
        '--pgp-keys',
        'ann.asc,bob.gpg,cyd.asc',
        '--key-threshold',
        '2',
        '--root-token-pgp-key',
        'ann.asc',
      ],
      { cwd: dir.path },
    );
    expect(init.code, init.stderr).toBe(0);
    const initCall = n2.requests.find((r) => r.path === 'sys/init');
    expect(initCall?.body).toMatchObject({ secret_shares: 3, secret_threshold: 2 });
    for (const name of ['ann.asc.key', 'bob.gpg.key', 'cyd.asc.key', 'ann.asc.root-token']) {
      expect((await lstat(join(dir.path, name))).mode & 0o777, name).toBe(0o400);
    }
    // Each file holds that operator's share, which only that operator's gpg can read.
    const file = (name: string) => readFile(join(dir.path, name), 'utf8');
    const shares = [
      await ann.decrypt((await file('ann.asc.key')).trim()),
      await bob.decrypt((await file('bob.gpg.key')).trim()),
    ];
    await expect(bob.decrypt((await file('ann.asc.key')).trim())).rejects.toThrow();
    expect(await ann.decrypt((await file('ann.asc.root-token')).trim())).toBe(cluster.rootToken);
    expect(init.stdout).toContain('root token (encrypted)');

    // A second init refuses before it asks Vault anything: share files are never overwritten.
    const again = await runKeyturn(
      [
        'operator',
        'init',
        '--addr',
        n1.addr,
        '--pgp-keys',
        'ann.asc,bob.gpg,cyd.asc',
        '--key-threshold',
        '2',
      ],
      { cwd: dir.path },
    );
    expect(again.code).toBe(64);
    expect(again.stderr).toContain('never overwritten');
    expect(n1.requests.some((r) => r.path === 'sys/init')).toBe(false);

    const unseal = (home: GpgHome, keyFile: string, extra: string[] = []) =>
      runKeyturn(['operator', 'unseal', ...addrArgs(addrs), '--key-file', keyFile, ...extra], {
        cwd: dir.path,
        env: home.env,
      });
    const first = await unseal(ann, 'ann.asc.key');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual(
      addrs.map((a) => `${new URL(a).href}\tsubmitted\tsealed, progress 1/2`),
    );
    const reset = await runKeyturn(['operator', 'unseal', ...addrArgs(addrs), '--reset'], {
      cwd: dir.path,
    });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('reset\tsealed, progress 0/2');
    expect(await unseal(ann, 'ann.asc.key')).toMatchObject({ code: 0 });
    const second = await unseal(bob, 'bob.gpg.key');
    expect(second.code, second.stderr).toBe(0);
    expect(
      second.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(1).join(' ')),
    ).toEqual(Array(3).fill('submitted unsealed'));
    // Unsealed in --addr order: the first took the lock.
    expect(cluster.active).toBe(n1);

    const status = await runKeyturn(['operator', 'status', ...addrArgs(addrs)], { cwd: dir.path });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    const rows = status.stdout.trim().split('\n');
    expect(rows[0]?.split(/\s+/)).toEqual([
      'NODE',
      'INITIALIZED',
      'SEALED',
      'PROGRESS',
      'ROLE',
      'VERSION',
      'CLUSTER',
      'LEADER',
    ]);
    expect(rows.slice(1, 4).map((r) => r.split(/\s+/)[4])).toEqual([
      'active',
      'standby',
      'standby',
    ]);
    expect(status.stdout).toContain('cluster: healthy');

    for (const result of [init, again, first, reset, second, status]) {
      expectNoSecrets(result, { share0: shares[0], share1: shares[1], root: cluster.rootToken });
    }
    expect(logLines(first).every((l) => l.level !== 'error')).toBe(true);
  });
});

describe('keyturn operator without gpg', () => {
  it('--dev init writes plain shares (0400) with a loud warning and prints the root token once; unseal takes a share as --input-json', {
    timeout: 60_000,
  }, async () => {
    await using cluster = await startVaultCluster({ nodes: 2, initialized: false });
    await using dir = await tempDir();
    const [n1, n2] = cluster.nodes;
    if (!n1 || !n2) throw new Error('nodes');
    const refused = await runKeyturn(['operator', 'init', '--addr', n1.addr], { cwd: dir.path });
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('--pgp-keys');

    const init = await runKeyturn(
      ['operator', 'init', '--dev', '--key-shares', '1', '--share-dir', 'keys'],
      {
        cwd: dir.path,
        env: { VAULT_ADDR: n1.addr },
      },
    );
    // --share-dir must exist: checked before init, so Vault is still uninitialised.
    expect(init.code).toBe(64);
    const oneOfTwo = await runKeyturn(
      ['operator', 'init', '--dev', '--key-shares', '2', '--key-threshold', '1'],
      { cwd: dir.path, env: { VAULT_ADDR: n1.addr } },
    );
    expect(oneOfTwo.code).toBe(64);
    expect(oneOfTwo.stderr).toContain('greater than 1');
    expect(n1.requests.some((r) => r.path === 'sys/init')).toBe(false);

    const dev = await runKeyturn(
      ['operator', 'init', '--dev', '--key-shares', '1', '--key-threshold', '1'],
      {
        cwd: dir.path,
        env: { VAULT_ADDR: n1.addr },
      },
    );
    expect(dev.code, dev.stderr).toBe(0);
    expect(
      logLines(dev).some((l) => l.level === 'warn' && String(l.msg).includes('DEV MODE')),
    ).toBe(true);
    expect(dev.stdout.split('\n').filter((l) => l.includes(cluster.rootToken))).toEqual([
      `Initial Root Token: ${cluster.rootToken}`,
    ]);
    expect(dev.stderr).not.toContain(cluster.rootToken);
    const share = (await readFile(join(dir.path, 'unseal-key-1'), 'utf8')).trim();
    expect((await lstat(join(dir.path, 'unseal-key-1'))).mode & 0o777).toBe(0o400);

    const sealed = await runKeyturn(
      ['operator', 'status', '--addr', n1.addr, '--addr', n2.addr, '--json'],
      { cwd: dir.path },
    );
    expect(sealed.code).toBe(1);
    const before = JSON.parse(sealed.stdout);
    expect(before.healthy).toBe(false);
    expect(before.nodes.map((n: { role: string }) => n.role)).toEqual(['sealed', 'sealed']);

    const unseal = await runKeyturn(
      ['operator', 'unseal', '--input-json', '--addr', n2.addr, '--addr', n1.addr],
      {
        cwd: dir.path,
        stdin: JSON.stringify({ key: share }),
      },
    );
    expect(unseal.code, unseal.stderr).toBe(0);
    expect(cluster.active).toBe(n2);
    const after = JSON.parse(
      (
        await runKeyturn(['operator', 'status', '--json', '--addr', n1.addr, '--addr', n2.addr], {
          cwd: dir.path,
        })
      ).stdout,
    );
    expect(after).toMatchObject({
      healthy: true,
      nodes: [
        { role: 'standby', sealed: false, leader: new URL(n2.addr).href.replace(/\/$/, '') },
        { role: 'active' },
      ],
    });

    // One node sealed again, then none active: exit 1 each time.
    n1.seal();
    const oneSealed = await runKeyturn(
      ['operator', 'status', '--addr', n1.addr, '--addr', n2.addr],
      { cwd: dir.path },
    );
    expect(oneSealed.code).toBe(1);
    expect(oneSealed.stdout).toContain('NOT healthy');
    for (const result of [refused, dev, sealed, unseal, oneSealed])
      expectNoSecrets(result, { share });
    expectNoSecrets(unseal, { root: cluster.rootToken });
  });
});
