// Preloaded (`--import`) into both idle processes by `agent-idle.ts` when the RSS ratio
// misses: on SIGUSR2 it writes what the process holds to $KEYTURN_PROBE_OUT, before and after
// a full GC (and a heap snapshot if $KEYTURN_PROBE_SNAPSHOT names a file), so the bench can
// say where the agent's extra memory is.
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const vmRss = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

function snapshot() {
  const spaces = Object.fromEntries(
    v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]),
  );
  return {
    vmRssKb: vmRss(),
    memory: process.memoryUsage(),
    code: v8.getHeapCodeStatistics(),
    spaces,
  };
}

process.on('SIGUSR2', () => {
  const before = snapshot();
  globalThis.gc?.();
  globalThis.gc?.();
  const after = snapshot();
  // Before the JSON: the bench waits for the JSON, and then the snapshot is complete.
  if (process.env.KEYTURN_PROBE_SNAPSHOT) v8.writeHeapSnapshot(process.env.KEYTURN_PROBE_SNAPSHOT);
  writeFileSync(
    process.env.KEYTURN_PROBE_OUT ?? '/dev/null',
    JSON.stringify({
      before,
      after,
      modules: process.moduleLoadList,
      resources: process.getActiveResourcesInfo(),
    }),
  );
});
