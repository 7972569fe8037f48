import { constants } from 'node:os';

/** How a child ended: its exit code, or the signal that ended it. */
export interface ChildEnd {
  exitCode?: number;
  signal?: NodeJS.Signals;
}

/** The status keyturn exits with for a child's end (SPEC §7): its code, or 128+N for signal N. */
export function exitStatusOf(end: ChildEnd): number {
  if (end.signal !== undefined) return 128 + (constants.signals[end.signal] ?? 0);
  return end.exitCode ?? 0;
}

/** For logs: "exited with 3", "was ended by SIGKILL". */
export function describeEnd(end: ChildEnd): string {
  return end.signal !== undefined ? `was ended by ${end.signal}` : `exited with ${end.exitCode}`;
}
