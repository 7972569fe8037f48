// When an idle agent wakes up, second by second over a longer window than agent-idle's CPU
// window, next to one started with V8's memory reducer off: tells keyturn's own timers
// (renewals, the lock's 30-second touch) from V8's housekeeping.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { startAgent, stop } from './idle-agent.ts';
import { delay, type ProcSample, procSample, waitUntilQuiet } from './proc-sample.ts';

const WINDOW_S = 32;

interface Timeline {
  wakeups: number;
  ticks: number;
  /** "second: +wakeups" for every second with any. */
  events: string[];
}

async function follow(pids: number[]): Promise<Timeline[]> {
  const lines = pids.map((): Timeline => ({ wakeups: 0, ticks: 0, events: [] }));
  let before = await Promise.all(pids.map(procSample));
  for (let second = 1; second <= WINDOW_S; second++) {
    await delay(1000);
    const now = await Promise.all(pids.map(procSample));
    now.forEach((sample, i) => {
      const line = lines[i] as Timeline;
      const last = before[i] as ProcSample;
      const woke = sample.voluntary - last.voluntary;
      const ticks = sample.ticks - last.ticks;
      line.wakeups += woke;
      line.ticks += ticks;
      if (woke || ticks)
        line.events.push(`${second} s: +${woke}${ticks ? ` (${ticks} ticks)` : ''}`);
    });
    before = now;
  }
  return lines;
}

/** Markdown: a table of two idle agents' wakeups over the same window. */
export async function idleWakeups(work: string, envs: Record<string, string>[]): Promise<string> {
  const variants: [string, string[]][] = [
    ['`keyturn agent` (HTTP)', []],
    ['same, `node --no-memory-reducer` (attribution only)', ['--no-memory-reducer']],
  ];
  const agents = [];
  try {
    for (const [i, [, flags]] of variants.entries())
      agents.push(await startAgent(await mkdtemp(join(work, 'w-')), envs[i] ?? {}, flags));
    const pids = agents.map((agent) => agent.pid as number);
    await Promise.all(pids.map((pid) => waitUntilQuiet(pid)));
    const lines = await follow(pids);
    return [
      `Wakeups of the main thread, second by second over ${WINDOW_S} s once idle (both agents side by side):`,
      '',
      '| idle process | main-thread wakeups | CPU ticks | seconds with wakeups (+count) |',
      '|---|---|---|---|',
      ...lines.map(
        (line, i) =>
          `| ${variants[i]?.[0]} | ${line.wakeups} | ${line.ticks} | ${line.events.join(', ') || 'none'} |`,
      ),
      '',
    ].join('\n');
  } finally {
    for (const agent of agents) await stop(agent);
  }
}
