import { readFileSync } from 'node:fs';

/*
 * A process named by pid AND start time ("1234-98765"): a pid alone can be reused after a
 * crash, which would make a dead test run look alive and keep its dockerd or containers.
 */

/** `/proc/<pid>/stat` fields after the command name, or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** This or another live process's key, or undefined when it is gone (or a zombie). */
export function processKey(pid = process.pid): string | undefined {
  const fields = statFields(pid);
  // fields[0] is the state (field 3 of stat); fields[19] the start time (field 22).
  if (!fields || fields[0] === 'Z') return undefined;
  return `${pid}-${fields[19]}`;
}

/** True while the process a key names still runs. */
export function keyIsAlive(key: string): boolean {
  const pid = Number(key.split('-')[0]);
  return Number.isInteger(pid) && pid > 0 && processKey(pid) === key;
}

/** True while a process with this pid runs (any start time) and is not a zombie. */
export function pidIsAlive(pid: number): boolean {
  return processKey(pid) !== undefined;
}

/** The process's command line, NUL-separated arguments joined by spaces ('' when gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}
