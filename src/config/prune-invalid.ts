import type { ConfigPath } from './config-path.ts';

/**
 * A copy of the parsed document without the values schema issues point at, so the
 * cross-field rules can still run on the rest and a file with a bad duration AND a
 * duplicate destination gets both messages in one run (SPEC §3: "all of them at once").
 * Returns undefined when an issue cannot be pruned without shifting what others point at:
 * the document itself, a list item (later indexes would move) or a missing required key.
 */
export function pruneInvalid(data: unknown, paths: readonly ConfigPath[]): unknown | undefined {
  const copy = structuredClone(data);
  for (const path of paths) {
    const key = path.at(-1);
    if (key === undefined || typeof key === 'number') return undefined;
    const parent = path.slice(0, -1).reduce<unknown>(step, copy);
    if (!isRecord(parent) || !(String(key) in parent)) return undefined;
    delete parent[String(key)];
  }
  return copy;
}

/** True when one path lies inside the other: a rule problem there may stem from the pruning. */
export function overlaps(a: ConfigPath, b: ConfigPath): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

function step(node: unknown, segment: PropertyKey): unknown {
  if (Array.isArray(node) && typeof segment === 'number') return node[segment];
  return isRecord(node) ? node[String(segment)] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
