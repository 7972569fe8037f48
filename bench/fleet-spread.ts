/**
 * How well first renewals of a fleet started in one second spread out (SPEC §6): 1,000
 * agents with 1-hour tokens, logins uniform in [0, 1 s), first renewal at login + delay.
 * Compares keyturn's renewDelayMs with Vault's LifetimeWatcher formula (WIRE.md §4).
 * Run: npx node bench/fleet-spread.ts [fleets=10000]
 */
import { renewDelayMs } from '../src/timing/renew-delay.ts';

export type DelayFn = (ttlMs: number, random: () => number) => number;

export interface FleetOptions {
  delay: DelayFn;
  random: () => number;
  agents?: number;
  ttlMs?: number;
  loginSpreadMs?: number;
  bucketMs?: number;
}

export interface FleetSpread {
  /** Renewals in the busiest bucket (minute). */
  busiest: number;
  /** Agents divided by the window's length in buckets (first to last renewal, at least 1). */
  meanPerBucket: number;
  ratio: number;
  /** Earliest and latest delay as a fraction of the TTL, measured from each agent's login. */
  earliestFraction: number;
  latestFraction: number;
}

/** Tiny seeded PRNG (mulberry32): reproducible fleets for the bench and its test. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vault's LifetimeWatcher: sleep = 2/3 of the lease + grace/3, grace uniform in [10%, 20%). */
export function lifetimeWatcherDelayMs(ttlMs: number, random: () => number): number {
  const grace = ttlMs * (0.1 + 0.1 * random());
  return (ttlMs * 2) / 3 + grace / 3;
}

/** Simulates one fleet's first renewals and measures how evenly they land per bucket. */
export function simulateFleet(options: FleetOptions): FleetSpread {
  const { delay, random } = options;
  const agents = options.agents ?? 1_000;
  const ttlMs = options.ttlMs ?? 3_600_000;
  const loginSpreadMs = options.loginSpreadMs ?? 1_000;
  const bucketMs = options.bucketMs ?? 60_000;
  const counts = new Map<number, number>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let earliest = Number.POSITIVE_INFINITY;
  let latest = 0;
  for (let agent = 0; agent < agents; agent++) {
    const waitMs = delay(ttlMs, random);
    const at = random() * loginSpreadMs + waitMs;
    const bucket = Math.floor(at / bucketMs);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    first = Math.min(first, at);
    last = Math.max(last, at);
    earliest = Math.min(earliest, waitMs / ttlMs);
    latest = Math.max(latest, waitMs / ttlMs);
  }
  const busiest = Math.max(...counts.values());
  const meanPerBucket = agents / Math.max(1, (last - first) / bucketMs);
  return {
    busiest,
    meanPerBucket,
    ratio: busiest / meanPerBucket,
    earliestFraction: earliest,
    latestFraction: latest,
  };
}

interface Summary {
  worstRatio: number;
  medianRatio: number;
  overLimit: number;
  busiestMax: number;
  latestFraction: number;
}

/** Runs `fleets` seeded fleets and summarises their ratios and peaks. */
export function summarise(delay: DelayFn, fleets: number): Summary {
  const runs = Array.from({ length: fleets }, (_, seed) =>
    simulateFleet({ delay, random: mulberry32(seed + 1) }),
  );
  const ratios = runs.map((run) => run.ratio).sort((a, b) => a - b);
  return {
    worstRatio: ratios.at(-1) ?? 0,
    medianRatio: ratios[Math.floor(ratios.length / 2)] ?? 0,
    overLimit: ratios.filter((ratio) => ratio > 1.5).length,
    busiestMax: Math.max(...runs.map((run) => run.busiest)),
    latestFraction: Math.max(...runs.map((run) => run.latestFraction)),
  };
}

function report(name: string, delay: DelayFn, fleets: number): void {
  const once = simulateFleet({ delay, random: Math.random });
  const seeded = summarise(delay, fleets);
  const f = (value: number, digits = 3): string => value.toFixed(digits);
  console.log(`\n${name}`);
  console.log(
    `  Math.random fleet: busiest minute ${once.busiest} agents, mean minute of window ` +
      `${f(once.meanPerBucket, 1)}, ratio ${f(once.ratio)}, renewals at ` +
      `${f(once.earliestFraction)}–${f(once.latestFraction)} of the TTL`,
  );
  console.log(
    `  ${fleets} seeded fleets: ratio median ${f(seeded.medianRatio)}, worst ` +
      `${f(seeded.worstRatio)}, fleets over 1.5×: ${seeded.overLimit} ` +
      `(${f((100 * seeded.overLimit) / fleets, 2)}%), busiest minute anywhere ` +
      `${seeded.busiestMax} agents, latest renewal ${f(seeded.latestFraction)} of the TTL`,
  );
}

if (import.meta.main) {
  const fleets = Number(process.argv[2] ?? 10_000);
  console.log('1,000 agents, 1-hour tokens, logins uniform in [0, 1 s), 1-minute buckets');
  report('keyturn renewDelayMs (uniform in [17/30, 23/30) of the TTL)', renewDelayMs, fleets);
  report(
    'Vault LifetimeWatcher (2/3 lease + grace/3, grace in [10%, 20%))',
    lifetimeWatcherDelayMs,
    fleets,
  );
}
