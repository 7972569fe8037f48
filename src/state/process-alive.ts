import { readFileSync } from 'node:fs';

/**
 * True when a process with this pid runs (EPERM: it exists, owned by someone else). A zombie
 * does not count: a renewer killed in a container whose pid 1 does not reap stays a zombie,
 * and `status` must still see it dead.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux: the state letter after the command name in /proc/<pid>/stat; elsewhere unknown (false). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
