import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FilesWorld, filesWorld, type PrestartRun } from './files-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

const names = ['cert.pem', 'key.pem', 'ca.pem', 'bundle.pem'] as const;
type CertSet = Record<(typeof names)[number], string>;

async function certWorld(renewAt = '0.66'): Promise<FilesWorld> {
  const world = await filesWorld();
  await world.config(`
certs:
  - { mount: pki, role: web, common_name: app.service.consul, alt_names: [app.service.consul],
      ip_sans: [127.0.0.1], ttl: 1h, renew_at: ${renewAt}, mode: "0600",
      cert: tls/cert.pem, key: tls/key.pem, ca: tls/ca.pem, bundle: tls/bundle.pem }
`);
  return world;
}

const readSet = async (world: FilesWorld): Promise<CertSet> => {
  const entries = await Promise.all(
    names.map(async (n) => [n, await readFile(join(world.dir, 'tls', n), 'utf8')] as const),
  );
  return Object.fromEntries(entries) as CertSet;
};

/** The set on disk is one consistent whole: key matches cert, CA issued it, bundle = key+cert+chain. */
function expectConsistent(set: CertSet): void {
  const cert = new X509Certificate(set['cert.pem']);
  expect(cert.checkPrivateKey(createPrivateKey(set['key.pem']))).toBe(true);
  expect(cert.verify(new X509Certificate(set['ca.pem']).publicKey)).toBe(true);
  expect(set['bundle.pem']).toBe(set['key.pem'] + set['cert.pem'] + set['ca.pem']);
}

const issues = (world: FilesWorld, run: PrestartRun) =>
  world.paths(run.requestsBefore).filter((p) => p === 'pki/issue/web').length;
const issueReason = (run: PrestartRun) =>
  logLines(run).find((l) => l.msg === 'issuing a certificate')?.reason;
const inode = async (world: FilesWorld, name: string) =>
  (await stat(join(world.dir, 'tls', name))).ino;

/** A fresh EC key that matches no certificate: written over key.pem to break the set. */
const freshKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

/** The first, successful run and the set it wrote. */
async function firstRun(world: FilesWorld): Promise<{ first: PrestartRun; old: CertSet }> {
  const first = await world.prestart();
  expect(first.code, first.stderr).toBe(0);
  return { first, old: await readSet(world) };
}

/** `run` succeeded by issuing exactly once, for `reason`, and left a consistent set (returned). */
async function expectReissued(
  world: FilesWorld,
  run: PrestartRun,
  reason: string | RegExp,
): Promise<CertSet> {
  expect(run.code, run.stderr).toBe(0);
  expect(issues(world, run)).toBe(1);
  if (typeof reason === 'string') expect(issueReason(run)).toBe(reason);
  else expect(String(issueReason(run))).toMatch(reason);
  const set = await readSet(world);
  expectConsistent(set);
  return set;
}

describe('keyturn prestart: certificates as one set', () => {
  it('writes cert, key, CA and bundle with the configured mode, and issues nothing while the set is good', async () => {
    await using world = await certWorld();

    const first = await world.prestart();
    expect(first.code, first.stderr).toBe(0);
    expect(issues(world, first)).toBe(1);
    expect(issueReason(first)).toBe('not on disk yet');
    const set = await readSet(world);
    expectConsistent(set);
    for (const name of names)
      expect((await stat(join(world.dir, 'tls', name))).mode & 0o7777, name).toBe(0o600);
    const inodes = await Promise.all(names.map((n) => inode(world, n)));

    const second = await world.prestart();
    expect(second.code, second.stderr).toBe(0);
    expect(issues(world, second)).toBe(0);
    expect(logLines(second).some((l) => l.msg === 'certificate on disk is still good')).toBe(true);
    expect(await Promise.all(names.map((n) => inode(world, n)))).toEqual(inodes);
    expectNoSecrets(first, world.handled({ key: set['key.pem'] }));
    expectNoSecrets(second, world.handled({ key: set['key.pem'] }));
  });

  it('re-issues when key.pem on disk does not match cert.pem', async () => {
    await using world = await certWorld();
    const { first, old } = await firstRun(world);
    const otherKey = freshKey();
    await writeFile(join(world.dir, 'tls/key.pem'), otherKey, { mode: 0o600 });

    const second = await world.prestart();

    const set = await expectReissued(world, second, 'certificate and key on disk do not match');
    expect(set['cert.pem']).not.toBe(old['cert.pem']);
    const handled = world.handled({ oldKey: old['key.pem'], otherKey, key: set['key.pem'] });
    expectNoSecrets(first, handled);
    expectNoSecrets(second, handled);
  });

  it('re-issues a certificate past renew_at of its lifetime', async () => {
    // The PKI backdates notBefore by 30 s, so 0.0001 of a 1 h 30 s lifetime is already past.
    await using world = await certWorld('0.0001');
    const { first, old } = await firstRun(world);

    const second = await world.prestart();

    const set = await expectReissued(world, second, 'certificate on disk is due for renewal');
    expect(set['cert.pem']).not.toBe(old['cert.pem']);
    const handled = world.handled({ oldKey: old['key.pem'], key: set['key.pem'] });
    expectNoSecrets(first, handled);
    expectNoSecrets(second, handled);
  });

  it.each([
    ['ca.pem is missing', 'ca.pem', async (_old: CertSet, path: string) => rm(path)],
    ['bundle.pem is missing', 'bundle.pem', async (_old: CertSet, path: string) => rm(path)],
    [
      'bundle.pem holds an older key and certificate',
      'bundle.pem',
      async (old: CertSet, path: string) => writeFile(path, old['bundle.pem'], { mode: 0o600 }),
    ],
  ])('repairs the set when %s (the cert and key alone still match)', async (_, name, spoil) => {
    await using world = await certWorld();
    const { first, old } = await firstRun(world);
    // A second, matching cert/key pair, then the spoiled file: as a crash mid-set would leave it.
    const otherKey = freshKey();
    await writeFile(join(world.dir, 'tls/key.pem'), otherKey, { mode: 0o600 });
    const second = await world.prestart();
    expect(second.code, second.stderr).toBe(0);
    const middle = await readSet(world);
    await spoil(old, join(world.dir, 'tls', name));

    const third = await world.prestart();

    const set = await expectReissued(world, third, /CA|bundle/);
    const handled = world.handled({
      oldKey: old['key.pem'],
      otherKey,
      middleKey: middle['key.pem'],
      key: set['key.pem'],
    });
    for (const run of [first, second, third]) expectNoSecrets(run, handled);
  });
});

describe('keyturn prestart: a public certificate, a private key (SPEC §3 key_mode)', () => {
  const modeOf = async (world: FilesWorld, name: string) =>
    (await stat(join(world.dir, 'tls', name))).mode & 0o777;

  it.each([
    ['defaults.mode 0644 alone: cert and CA 0644, key and bundle 0600', '', 0o600],
    ['key_mode 0640 for a group that reads the key', ', key_mode: "0640"', 0o640],
  ])('%s', async (_label, keyMode, expected) => {
    await using world = await filesWorld();
    await world.config(`
defaults: { mode: "0644" }
certs:
  - { mount: pki, role: web, common_name: app.service.consul, ttl: 1h${keyMode},
      cert: tls/cert.pem, key: tls/key.pem, ca: tls/ca.pem, bundle: tls/bundle.pem }
`);
    const run = await world.prestart();
    expect(run.code, run.stderr).toBe(0);
    expect(await modeOf(world, 'cert.pem')).toBe(0o644);
    expect(await modeOf(world, 'ca.pem')).toBe(0o644);
    expect(await modeOf(world, 'key.pem')).toBe(expected);
    expect(await modeOf(world, 'bundle.pem')).toBe(expected);
    const set = await readSet(world);
    expectConsistent(set);
    expectNoSecrets(run, world.handled({ key: set['key.pem'] }));
  });

  it('a key_mode that lets others read the key: 64 naming it, before any request', async () => {
    await using world = await filesWorld();
    await world.config(`
certs:
  - { mount: pki, role: web, common_name: app.service.consul, key_mode: "0644",
      cert: tls/cert.pem, key: tls/key.pem }
`);
    const run = await world.prestart();
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/certs\[0\]\.key_mode: 0644 is too wide for the private key/);
    expect(world.paths(run.requestsBefore)).toEqual([]);
    expectNoSecrets(run, world.handled());
  });
});
