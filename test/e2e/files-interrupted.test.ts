import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type FilesWorld,
  filesWorld,
  keyturnPidUnder,
  pollUntil,
  type SpawnedKeyturn,
  straceUnavailable,
  tempFilesIn,
} from './files-world.ts';
import { expectNoSecrets, logLines } from './run-keyturn.ts';

const errorOf = (run: Parameters<typeof logLines>[0]) =>
  String(logLines(run).find((l) => l.level === 'error')?.msg);

/** A secret of `size` bytes with a recognisable head (which the output check looks for). */
const bigSecret = (tag: string, size: number) => `${tag}-${'x'.repeat(size - tag.length - 1)}`;

/** Mounts a tmpfs of `size` on `dir`, or says why it cannot. */
function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here (needs root): ${String(err).split('\n')[0]}`;
  }
}

describe('keyturn prestart on a full disk', () => {
  it('exits 73 "disk full", lists what was replaced, keeps the old file and leaves no temp file', async (ctx) => {
    await using world = await filesWorld();
    const small = join(world.dir, 'small');
    const disk = join(world.dir, 'disk');
    await mkdir(disk);
    const notMounted = mountTmpfs(disk, '64k');
    if (notMounted !== undefined) ctx.skip(notMounted);
    try {
      await writeFile(join(disk, 'big'), 'old content', { mode: 0o400 });
      const big = bigSecret('enospc-secret', 256 * 1024);
      await world.vault.write('kv/app/small', { value: 'small-secret-value' });
      await world.vault.write('kv/app/big', { value: big });
      await world.config(`
secrets:
  - { path: kv/app/small, field: value, to: small/value }
  - { path: kv/app/big, field: value, to: disk/big }
`);

      const run = await world.prestart();

      expect(run.code, run.stderr).toBe(73);
      const message = errorOf(run);
      expect(message).toContain(`cannot write ${join(disk, 'big')}: disk full (ENOSPC)`);
      expect(message).toContain(`Already replaced: ${join(small, 'value')}`);
      expect(await readFile(join(disk, 'big'), 'utf8')).toBe('old content');
      expect(await readdir(disk)).toEqual(['big']);
      expect(world.paths(run.requestsBefore)).toContain('auth/token/revoke-self');
      expectNoSecrets(run, world.handled({ big, small: 'small-secret-value' }));
    } finally {
      execFileSync('umount', [disk]);
    }
  });
});

describe('keyturn prestart interrupted', () => {
  async function bigWorld(size: number): Promise<{ world: FilesWorld; dest: string; big: string }> {
    const world = await filesWorld();
    const big = bigSecret('killed-secret', size);
    await world.vault.write('kv/app/big', { value: big });
    await mkdir(join(world.dir, 'out'), { mode: 0o700 });
    const dest = join(world.dir, 'out', 'big');
    await writeFile(dest, 'old content', { mode: 0o400 });
    await world.config(`
secrets:
  - { path: kv/app/big, field: value, to: out/big, mode: "0440" }
`);
    return { world, dest, big };
  }

  it('sweeps a leftover temporary file at the next start and still writes', async () => {
    const { world, dest, big } = await bigWorld(1024);
    await using _ = world;
    const leftover = join(world.dir, 'out', '.keyturn-tmp-abc');
    await writeFile(leftover, 'partial', { mode: 0o400 });

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(0);
    expect(await readdir(join(world.dir, 'out'))).toEqual(['big']);
    const sweep = logLines(run).find((l) => l.msg?.toString().startsWith('removed temporary'));
    expect(sweep?.files).toEqual([leftover]);
    expect(await readFile(dest, 'utf8')).toBe(big);
    expectNoSecrets(run, world.handled({ big }));
  });

  it('sweeps leftovers inside a format: files directory too', async () => {
    await using world = await filesWorld();
    await world.vault.write('secret/data/app/files', { data: { one: 'swept-files-value' } });
    await world.config(`
secrets:
  - { path: secret/app/files, format: files, to: out/files }
`);
    const files = join(world.dir, 'out', 'files');
    await mkdir(files, { recursive: true, mode: 0o700 });
    await writeFile(join(files, '.keyturn-tmp-0123456789abcdef'), 'partial', { mode: 0o400 });

    const run = await world.prestart();

    expect(run.code, run.stderr).toBe(0);
    expect(await readdir(files)).toEqual(['one']);
    expectNoSecrets(run, world.handled({ value: 'swept-files-value' }));
  });

  // The write is too fast to catch by polling, so strace holds the rename (the last step of
  // an atomic write) for a minute: the temp file is then complete and the kill lands before
  // the rename, every time.
  it('killed with SIGKILL between write and rename: the old file is intact, the leftover swept next start', async (ctx) => {
    const noStrace = straceUnavailable();
    if (noStrace !== undefined) ctx.skip(noStrace);
    const size = 4 * 1024 * 1024;
    const { world, dest, big } = await bigWorld(size);
    await using _ = world;
    const out = join(world.dir, 'out');
    const held = await world.spawnPrestart(holdRename('60s'));
    const keyturnPid = await keyturnPidUnder(held.child.pid ?? 0);
    await using _stop = stopHeld(held, keyturnPid); // disposed before the world's directory

    const name = await pollUntil('a complete temporary file', async () => {
      const [temp] = await tempFilesIn(out);
      if (temp === undefined) return undefined;
      const s = await stat(join(out, temp)).catch(() => undefined);
      expect((s?.mode ?? 0) & 0o7777 & ~0o440).toBe(0); // never wider than configured
      return s?.size === size ? temp : undefined;
    });
    process.kill(keyturnPid, 'SIGKILL');
    const killed = await held.exited;

    expect(killed.code === 137 || killed.signal === 'SIGKILL', JSON.stringify(killed)).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe('old content');
    expect(await tempFilesIn(out)).toEqual([name]);
    const leftover = await stat(join(out, name));
    expect([leftover.size, leftover.mode & 0o7777]).toEqual([size, 0o440]);

    const next = await world.prestart();
    expect(next.code, next.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['big']);
    expect(
      logLines(next).find((l) => l.msg?.toString().startsWith('removed temporary'))?.files,
    ).toEqual([join(out, name)]);
    expect(await readFile(dest, 'utf8')).toBe(big);
    expectNoSecrets(killed, world.handled({ big }));
    expectNoSecrets(next, world.handled({ big }));
  });

  it('SIGTERM during the write: the write completes or is undone, never a temp file left', async (ctx) => {
    const noStrace = straceUnavailable();
    if (noStrace !== undefined) ctx.skip(noStrace);
    const size = 1024 * 1024;
    const { world, dest, big } = await bigWorld(size);
    await using _ = world;
    const out = join(world.dir, 'out');
    // Held long enough for the signal to land while the rename waits, short enough to finish.
    const held = await world.spawnPrestart(holdRename('1500ms'));
    const keyturnPid = await keyturnPidUnder(held.child.pid ?? 0);
    await using _stop = stopHeld(held, keyturnPid); // disposed before the world's directory
    await pollUntil('a complete temporary file', async () => {
      const [temp] = await tempFilesIn(out);
      if (temp === undefined) return undefined;
      const s = await stat(join(out, temp)).catch(() => undefined);
      return s?.size === size ? temp : undefined;
    });
    process.kill(keyturnPid, 'SIGTERM');
    const run = await held.exited;

    expect(run.signal).toBeNull();
    expect(await tempFilesIn(out)).toEqual([]);
    // Either the write finished (exit 0, new content) or it was undone (143, old content).
    const content = await readFile(dest, 'utf8');
    expect([run.code, content === big ? 'new' : content], run.stderr).toEqual(
      run.code === 0 ? [0, 'new'] : [143, 'old content'],
    );
    expectNoSecrets(run, world.handled({ big }));
  });
});

/** strace arguments that delay every rename by `delay` (quietly, output discarded). */
function holdRename(delay: string): string[] {
  const calls = 'rename,renameat,renameat2';
  return [
    'strace',
    '-f',
    '-qq',
    '-o',
    '/dev/null',
    '-e',
    `trace=${calls}`,
    '-e',
    `inject=${calls}:delay_enter=${delay}`,
  ];
}

/** A failed test must not leave keyturn held by strace (it would write after the cleanup). */
function stopHeld(held: SpawnedKeyturn, keyturnPid: number): AsyncDisposable {
  return {
    async [Symbol.asyncDispose]() {
      // strace still running means its tracee, this very pid, is alive: no pid reuse possible.
      if (held.child.exitCode === null && held.child.signalCode === null) {
        process.kill(keyturnPid, 'SIGKILL');
      }
      await held.exited;
    },
  };
}
