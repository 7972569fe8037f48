import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, link, mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesWorld } from './files-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

/*
 * Issue 12, High 1: a template `source` gets the rules of a destination. keyturn as root
 * renders for uid 1000; uid 1000 owns the template's directory and points the source at a
 * root-only file (here a stand-in for /etc/shadow): its content must never reach the output.
 */

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('ROOT-ONLY TESTS skipped: files-template-source.test.ts needs uid 0');
const shadowLine = 'root:$6$shadow-hash-do-not-leak:19000:0:99999:7:::';

describe.skipIf(!isRoot)('keyturn prestart as root: a template source its owner controls', () => {
  it.each([
    [
      'a symlink to a root-only file',
      async (own: string, shadow: string) => {
        await symlink(shadow, join(own, 'app.tmpl'));
      },
      /cannot read template .*own\/app\.tmpl: it is a symlink; keyturn never reads through one/,
    ],
    [
      'a hard link to a root-only file',
      async (own: string, shadow: string) => {
        await link(shadow, join(own, 'app.tmpl'));
      },
      /file owned by uid 0, reached through a component uid 1000 controls/,
    ],
    [
      'a FIFO',
      async (own: string) => {
        execFileSync('mkfifo', [join(own, 'app.tmpl')]);
      },
      /it is a FIFO \(named pipe\), not a regular file/,
    ],
    [
      'a 2 MiB file',
      async (own: string) => {
        await writeFile(join(own, 'app.tmpl'), '');
        await truncate(join(own, 'app.tmpl'), 2 * 1024 * 1024);
        await chown(join(own, 'app.tmpl'), 1000, 1000);
      },
      /it is larger than 1048576 bytes/,
    ],
  ])('%s → 64 before login, nothing written', async (_name, prepare, message) => {
    await using world = await filesWorld();
    const shadow = join(world.dir, 'shadow');
    await writeFile(shadow, `${shadowLine}\n`, { mode: 0o600 });
    const own = join(world.dir, 'own');
    await mkdir(own);
    await chown(own, 1000, 1000);
    await prepare(own, shadow);
    await world.vault.write('kv/app/db', { user: 'template-user-3' });
    await world.config(`
secrets:
  - { path: kv/app/db, name: db }
templates:
  - { source: own/app.tmpl, to: out/app.ini, owner: 1000, group: 1000 }
`);

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(64);
    const error = logLines(run).find((l) => l.level === 'error');
    expect(String(error?.msg), String(error?.msg)).toMatch(message);
    expect(
      world.paths(run.requestsBefore).filter((p) => /^(auth|sys\/wrapping)\//.test(p)),
    ).toEqual([]);
    expect(existsSync(join(world.dir, 'out'))).toBe(false);
    expect(run.stdout + run.stderr).not.toContain('shadow-hash');
    expectNoSecrets(run, world.handled({ user: 'template-user-3' }));
  });

  it('renders a template the owner keeps in its own directory', async () => {
    await using world = await filesWorld();
    const own = join(world.dir, 'own');
    await mkdir(own);
    await chown(own, 1000, 1000);
    await writeFile(join(own, 'app.tmpl'), 'user={{secrets.db.user}}\n');
    await chown(join(own, 'app.tmpl'), 1000, 1000);
    await world.vault.write('kv/app/db', { user: 'template-user-4' });
    await world.config(`
secrets:
  - { path: kv/app/db, name: db }
templates:
  - { source: own/app.tmpl, to: out/app.ini, owner: 1000, group: 1000 }
`);
    const run = await world.prestart();
    expect(run.code, run.stderr).toBe(0);
    expectNoSecrets(run, world.handled({ user: 'template-user-4' }));
  });
});
