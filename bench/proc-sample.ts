// What Linux's /proc says about a process: memory, CPU ticks and wakeups (bench only).
import { readdir, readFile } from 'node:fs/promises';

export interface ProcSample {
  /** Resident set, KiB (VmRSS = RssAnon + RssFile + RssShmem). */
  rssKb: number;
  rssAnonKb: number;
  rssFileKb: number;
  /** utime + stime of the whole process, all threads, in clock ticks (CLK_TCK, usually 100/s). */
  ticks: number;
  /** Context switches of the main (event loop) thread: each voluntary one is a wakeup. */
  voluntary: number;
  nonvoluntary: number;
  /** The same summed over every thread (V8 platform workers, libuv pool). */
  allVoluntary: number;
  allNonvoluntary: number;
  threads: number;
}

const field = (status: string, name: string): number => {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`/proc status has no ${name}`);
  return Number(match[1]);
};

/** utime + stime: fields 14 and 15 of /proc/<pid>/stat, counted after the `(comm)` field. */
function ticksOf(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/** Reads one sample; throws if the process is gone. */
export async function procSample(pid: number): Promise<ProcSample> {
  const [status, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
  ]);
  let allVoluntary = 0;
  let allNonvoluntary = 0;
  for (const task of await readdir(`/proc/${pid}/task`)) {
    const text = await readFile(`/proc/${pid}/task/${task}/status`, 'utf8').catch(() => '');
    if (!text) continue; // a thread that ended between readdir and read
    allVoluntary += field(text, 'voluntary_ctxt_switches');
    allNonvoluntary += field(text, 'nonvoluntary_ctxt_switches');
  }
  return {
    rssKb: field(status, 'VmRSS'),
    rssAnonKb: field(status, 'RssAnon'),
    rssFileKb: field(status, 'RssFile'),
    ticks: ticksOf(stat),
    voluntary: field(status, 'voluntary_ctxt_switches'),
    nonvoluntary: field(status, 'nonvoluntary_ctxt_switches'),
    allVoluntary,
    allNonvoluntary,
    threads: field(status, 'Threads'),
  };
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the process burns no CPU tick over a whole `windowMs` (start-up work,
 * lazy compilation and the first GCs are over); fails after `deadlineMs`.
 */
export async function waitUntilQuiet(pid: number, windowMs = 1000, deadlineMs = 20_000) {
  const deadline = Date.now() + deadlineMs;
  let before = (await procSample(pid)).ticks;
  for (;;) {
    await delay(windowMs);
    const now = (await procSample(pid)).ticks;
    if (now === before) return;
    if (Date.now() > deadline) throw new Error(`pid ${pid} still busy after ${deadlineMs} ms`);
    before = now;
  }
}

export const medianOf = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
