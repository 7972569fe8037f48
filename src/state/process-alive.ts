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

/**
 * When the process with this pid started, in clock ticks since boot (field 22 of
 * /proc/<pid>/stat), or undefined off Linux. A pid names one process only together with its
 * start time: after `docker restart` the container's pids are handed out again from 1.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is 3rd.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
