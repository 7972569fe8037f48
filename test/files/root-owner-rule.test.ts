import {
  chmod,
  chown,
  lchown,
  mkdir,
  readdir,
  readFile,
  rename,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/files/atomic-write.ts';
import { makeTempDir } from './make-temp-dir.ts';

/*
 * Issue 12, High 2. The rule: no path component that a non-root user controls may make
 * keyturn-as-root create or replace a file where that user could not write themselves.
 */

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('ROOT-ONLY TESTS skipped: root-owner-rule.test.ts needs uid 0');
const owner = { uid: 1000, gid: 1000 };
const asRootFor = { mode: 0o600, ...owner, keyturnUid: 0 };

async function dirOf(path: string, uid: number, mode = 0o755): Promise<string> {
  await mkdir(path);
  await chown(path, uid, uid);
  await chmod(path, mode);
  return path;
}

describe.skipIf(!isRoot)('keyturn as root writing a file for uid 1000', () => {
  it("refuses to follow the owner's symlink into a root-owned directory, leaving the root file alone", async () => {
    await using dir = await makeTempDir();
    const rootDir = await dirOf(join(dir.path, 'root-only'), 0);
    await writeFile(join(rootDir, 'secret'), 'root file', { mode: 0o600 });
    const app = await dirOf(join(dir.path, 'own-app'), owner.uid);
    const link = join(app, 'secrets');
    await symlink(rootDir, link);
    await lchown(link, owner.uid, owner.gid);
    const error = await writeFileAtomic(join(link, 'secret'), 'the secret', asRootFor).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'FileWriteError', exitCode: 73 });
    expect((error as Error).message).toContain(`unsafe directory ${rootDir}`);
    expect((error as Error).message).toContain('reached through a component uid 1000 controls');
    expect(await readFile(join(rootDir, 'secret'), 'utf8')).toBe('root file');
    expect(await readdir(rootDir)).toEqual(['secret']);
  });

  it('refuses a root-owned symlink the owner moved into its own directory', async () => {
    await using dir = await makeTempDir();
    const rootDir = await dirOf(join(dir.path, 'root-only'), 0);
    const app = await dirOf(join(dir.path, 'own-app'), owner.uid);
    await symlink(rootDir, join(app, 'made-by-root'));
    await rename(join(app, 'made-by-root'), join(app, 'secrets')); // what uid 1000 can do
    await expect(writeFileAtomic(join(app, 'secrets/secret'), 'x', asRootFor)).rejects.toThrow(
      `unsafe directory ${rootDir}: directory owned by uid 0, reached through a component uid 1000 controls`,
    );
    expect(await readdir(rootDir)).toEqual([]);
  });

  it("refuses '..' out of the owner's directory into a root-owned one", async () => {
    await using dir = await makeTempDir();
    const app = await dirOf(join(dir.path, 'own-app'), owner.uid);
    await expect(writeFileAtomic(`${app}/../escaped`, 'x', asRootFor)).rejects.toThrow(
      `unsafe directory ${dir.path}: directory owned by uid 0, reached through`,
    );
    expect(await readdir(dir.path)).toEqual(['own-app']);
  });

  it('writes below a directory tree the owner owns (/var/jenkins_home), creating levels for it', async () => {
    await using dir = await makeTempDir();
    const home = await dirOf(join(dir.path, 'jenkins_home'), owner.uid);
    const ssh = await dirOf(join(home, 'real-ssh'), owner.uid, 0o700);
    await symlink(ssh, join(home, '.ssh'));
    await lchown(join(home, '.ssh'), owner.uid, owner.gid);
    await writeFileAtomic(join(home, '.ssh/keys/triton'), 'the key', asRootFor);
    expect(await readFile(join(ssh, 'keys/triton'), 'utf8')).toBe('the key');
  });
});
