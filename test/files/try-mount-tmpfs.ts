import { execFileSync } from 'node:child_process';

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
