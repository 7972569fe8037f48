// One memory sample of the renewal-cycles child, after forced full GCs: heap by space,
// RSS, and the real handles still active.
import { join } from 'node:path';
import { setImmediate as macrotask } from 'node:timers/promises';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

export interface Sample {
  cycle: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  /** Per V8 heap space: committed and used bytes. */
  spaces: Record<string, { size: number; used: number }>;
  /** process.getActiveResourcesInfo(), counted by type. */
  resources: Record<string, number>;
  /** Fake timers armed and not yet fired (one per sleeping actor loop). */
  fakeTimers: number;
  /** 'abort' listeners on the renewer's top-level signal. */
  abortListeners: number;
  redactorSize: number;
  tokenRenewals: number;
  leaseRenewals: number;
  refreshes: number;
}

/** What the driver counts itself, added to a sample. */
export type Counted = Omit<
  Sample,
  'cycle' | 'heapUsed' | 'heapTotal' | 'rss' | 'external' | 'resources' | 'spaces'
>;

/** Needs --expose-gc. */
export async function memorySample(cycle: number, extra: Counted): Promise<Sample> {
  const gc = globalThis.gc as () => void;
  for (let i = 0; i < 3; i++) {
    await macrotask(); // lets FinalizationRegistry and weak-ref cleanups run between GCs
    gc();
  }
  const memory = process.memoryUsage();
  // For diagnosis: heap snapshots to diff by constructor (see the bench's report).
  const dir = process.env.BENCH_CYCLES_SNAPSHOTS;
  if (dir) writeHeapSnapshot(join(dir, `cycle-${String(cycle).padStart(6, '0')}.heapsnapshot`));
  const resources: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  return {
    cycle,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    rss: memory.rss,
    external: memory.external,
    spaces: Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [
        space.space_name,
        { size: space.space_size, used: space.space_used_size },
      ]),
    ),
    resources,
    ...extra,
  };
}
