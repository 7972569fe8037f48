import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  visit,
} from 'yaml';
import type { ConfigPath } from './config-path.ts';

export interface Position {
  line: number;
  column: number;
}

interface Found {
  /** The node at the deepest part of the path that exists (the parent map of a missing key). */
  node: Node | null;
  /** The key of the last map entry walked through, when the path ends in a map key. */
  key: Node | null;
  /** True when every segment of the path exists in the document. */
  complete: boolean;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? range[0] : undefined;
}

/** Walks a path through the document's nodes (following aliases) as far as it exists. */
export function findNode(doc: Document, path: ConfigPath): Found {
  let node = doc.contents as Node | null;
  let key: Node | null = null;
  for (const segment of path) {
    if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return { node, key, complete: false };
      key = pair.key as Node;
      // `key:` with nothing after it: an empty scalar at the line's end; point at the key.
      const value = pair.value as Node | null;
      node = value === null || (isScalar(value) && value.source === '') ? key : value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment] as Node;
      key = null;
    } else {
      return { node, key, complete: false };
    }
  }
  return { node, key, complete: true };
}

/**
 * Where to point for a path: its value, or its key for problems about the key itself
 * (an unknown key); for a missing key, the map that should hold it.
 */
export function locatePath(
  doc: Document,
  lineCounter: LineCounter,
  path: ConfigPath,
  target: 'key' | 'value' = 'value',
): Position {
  const found = findNode(doc, path);
  const preferred = target === 'key' && found.complete ? found.key : found.node;
  const offset = rangeStart(preferred) ?? rangeStart(found.node) ?? 0;
  return toPosition(lineCounter, offset);
}

/** Converts a character offset into 1-based line and column. */
export function toPosition(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** The map key that starts at `offset` (YAML errors point at a key only by offset). */
export function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
