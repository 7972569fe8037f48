import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesWorld } from './files-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

const value = 'refusal-secret-value-0123';
const errorOf = (run: Parameters<typeof logLines>[0]) =>
  String(logLines(run).find((l) => l.level === 'error')?.msg);
const vaultAuthCalls = (paths: string[]) =>
  paths.filter((p) => p.startsWith('sys/wrapping/') || p.startsWith('auth/'));

/** A destination keyturn must refuse before the one-time secret ID is spent. */
async function worldWith(to: string, extra = '') {
  const world = await filesWorld();
  await world.vault.write('kv/app/api', { key: value });
  await world.config(`
secrets:
  - { path: kv/app/api, field: key, to: ${to}${extra} }
`);
  return world;
}

describe('keyturn prestart: destinations refused before login', () => {
  it('refuses a symlink destination with 73, spends nothing, and the same secret ID works once it is gone', async () => {
    await using world = await worldWith('out/api-key');
    const out = join(world.dir, 'out');
    await mkdir(out, { mode: 0o700 });
    const target = join(world.dir, 'target');
    await writeFile(target, 'the file the symlink points at');
    await symlink(target, join(out, 'api-key'));

    const refused = await world.prestart();

    expect(refused.code, refused.stderr).toBe(73);
    expect(errorOf(refused)).toMatch(/refusing to write .*\/out\/api-key: it is a symlink/);
    expect(vaultAuthCalls(world.paths(refused.requestsBefore))).toEqual([]);
    expect(await readFile(target, 'utf8')).toBe('the file the symlink points at');

    await rm(join(out, 'api-key'));
    const again = await world.prestart({ wrapped: refused.wrapped });
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(join(out, 'api-key'), 'utf8')).toBe(value);
    expect(
      world.paths(again.requestsBefore).filter((p) => p === 'sys/wrapping/unwrap'),
    ).toHaveLength(1);
    expectNoSecrets(refused, world.handled({ value }));
    expectNoSecrets(again, world.handled({ value }));
  });

  it('refuses a FIFO destination with 73 at once, without opening it', async () => {
    await using world = await worldWith('out/api-key');
    const out = join(world.dir, 'out');
    await mkdir(out, { mode: 0o700 });
    execFileSync('mkfifo', ['-m', '0600', join(out, 'api-key')]);

    // Opening the FIFO for reading or writing would block with no peer: the run's timeout
    // catches such a hang (it ends by a signal), however slow the machine is otherwise.
    const run = await world.prestart({ timeoutMs: 15_000 });

    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(73);
    expect(errorOf(run)).toMatch(/out\/api-key: it is a FIFO \(named pipe\), not a regular file/);
    expect(vaultAuthCalls(world.paths(run.requestsBefore))).toEqual([]);
    expectNoSecrets(run, world.handled({ value }));
  });

  it('refuses a parent directory others can write (0777, no sticky bit) before login, unless allow_insecure_dir', async () => {
    await using world = await worldWith('shared/api-key');
    const shared = join(world.dir, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);

    const refused = await world.prestart();

    expect(refused.code, refused.stderr).toBe(73);
    expect(errorOf(refused)).toMatch(
      /unsafe directory .*\/shared: directory writable by group or others without the sticky bit \(mode 0777\).*allow_insecure_dir/,
    );
    expect(vaultAuthCalls(world.paths(refused.requestsBefore))).toEqual([]);
    expect(await readdir(shared)).toEqual([]);

    await world.config(`
secrets:
  - { path: kv/app/api, field: key, to: shared/api-key, allow_insecure_dir: true }
`);
    const allowed = await world.prestart({ wrapped: refused.wrapped });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(await readFile(join(shared, 'api-key'), 'utf8')).toBe(value);
    expectNoSecrets(refused, world.handled({ value }));
    expectNoSecrets(allowed, world.handled({ value }));
  });

  it('checks a format: files directory before login too', async () => {
    await using world = await filesWorld();
    await world.vault.write('secret/data/app/files', { data: { one: 'files-dir-value-1' } });
    await world.config(`
secrets:
  - { path: secret/app/files, format: files, to: shared/files }
`);
    const shared = join(world.dir, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(73);
    expect(errorOf(run)).toMatch(
      /unsafe directory .*\/shared: directory writable by group or others/,
    );
    expect(vaultAuthCalls(world.paths(run.requestsBefore))).toEqual([]);
    expect(await readdir(shared)).toEqual([]);
    expectNoSecrets(run, world.handled({ value: 'files-dir-value-1' }));
  });

  it('accepts a sticky world-writable parent (like /tmp)', async () => {
    await using world = await worldWith('sticky/api-key');
    const sticky = join(world.dir, 'sticky');
    await mkdir(sticky);
    await chmod(sticky, 0o1777);
    const run = await world.prestart();
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(sticky, 'api-key'), 'utf8')).toBe(value);
    expectNoSecrets(run, world.handled({ value }));
  });
});

describe('keyturn prestart as a non-root user', () => {
  const nobody = { uid: 65534, gid: 65534 };

  /** The world's directory must be readable by nobody: keyturn reads its config there. */
  async function openUp(dir: string) {
    await chmod(dir, 0o755);
  }

  it('reports permission denied (73) for a root-owned 0755 directory before login, leaving nothing', async () => {
    await using world = await worldWith('locked/api-key');
    await openUp(world.dir);
    const locked = join(world.dir, 'locked');
    await mkdir(locked, { mode: 0o755 });

    const run = await world.prestart(nobody);

    expect(run.code, run.stderr).toBe(73);
    expect(errorOf(run)).toMatch(
      /cannot write .*\/locked\/api-key: permission denied \(EACCES\) on .*\/locked \(`locked\/api-key` is a relative path: .*working directory .*\)$/,
    );
    expect(vaultAuthCalls(world.paths(run.requestsBefore))).toEqual([]);
    expect(await readdir(locked)).toEqual([]);
    expectNoSecrets(run, world.handled({ value }));
  });

  it('refuses an owner it cannot give files to (73) before login', async () => {
    await using world = await worldWith('mine/api-key', ', owner: 1234');
    await openUp(world.dir);
    const mine = join(world.dir, 'mine');
    await mkdir(mine, { mode: 0o700 });
    await chown(mine, nobody.uid, nobody.gid);

    const run = await world.prestart(nobody);

    expect(run.code, run.stderr).toBe(73);
    expect(errorOf(run)).toMatch(
      /cannot make .*\/mine\/api-key owned by uid 1234: keyturn runs as uid 65534, and only root can give files away/,
    );
    expect(vaultAuthCalls(world.paths(run.requestsBefore))).toEqual([]);
    expect(await readdir(mine)).toEqual([]);
    expectNoSecrets(run, world.handled({ value }));
  });

  it('removes its temporary file when the rename is refused after login (sticky dir, root-owned file)', async () => {
    await using world = await worldWith('shared/api-key');
    await openUp(world.dir);
    const shared = join(world.dir, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o1777);
    await writeFile(join(shared, 'api-key'), 'root-owned old content', { mode: 0o644 });

    const run = await world.prestart(nobody);

    expect(run.code, run.stderr).toBe(73);
    expect(errorOf(run)).toMatch(
      /cannot write .*\/shared\/api-key: permission denied \(EPERM\) while renaming over the destination/,
    );
    expect(await readFile(join(shared, 'api-key'), 'utf8')).toBe('root-owned old content');
    expect(await readdir(shared)).toEqual(['api-key']);
    expect(world.paths(run.requestsBefore)).toContain('auth/token/revoke-self');
    expectNoSecrets(run, world.handled({ value }));
  });
});
