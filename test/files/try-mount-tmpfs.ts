import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Mounts a small tmpfs on `dir` (to produce a real ENOSPC); returns why not when this machine refuses. */
export function tryMountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): ${String(err).split('\n')[0]}`;
  }
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' });
}

export interface Tmpfs {
  /** Where the tmpfs is mounted (set once beforeAll has run). */
  mountPoint: string;
  /** Why no tmpfs could be mounted: tests then skip with this reason. */
  skipReason: string | undefined;
}

/**
 * A `size` tmpfs for the enclosing describe: mounted in beforeAll, unmounted and removed in
 * afterAll. Read its fields inside tests, once beforeAll has filled them in.
 */
export function useTmpfs(size: string): Tmpfs {
  const tmpfs: Tmpfs = { mountPoint: '', skipReason: undefined };
  beforeAll(async () => {
    tmpfs.mountPoint = await mkdtemp(join(tmpdir(), 'keyturn-tmpfs-'));
    tmpfs.skipReason = tryMountTmpfs(tmpfs.mountPoint, size);
  });
  afterAll(async () => {
    if (tmpfs.skipReason === undefined) unmount(tmpfs.mountPoint);
    await rm(tmpfs.mountPoint, { recursive: true, force: true });
  });
  return tmpfs;
}
