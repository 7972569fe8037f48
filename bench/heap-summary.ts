// Sums a V8 heap snapshot by node type and names its largest strings (bench diagnosis only).
import { readFile } from 'node:fs/promises';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapSummary {
  totalBytes: number;
  /** Self size per node type (string, code, array, closure, …), largest first. */
  byType: [string, number][];
  /** The largest strings: size and their first characters. */
  largestStrings: { bytes: number; start: string }[];
}

export async function summariseHeapSnapshot(file: string): Promise<HeapSummary> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const [type, name, self] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byType = new Map<string, number>();
  const strings: { bytes: number; start: string }[] = [];
  let totalBytes = 0;
  for (let i = 0; i < raw.nodes.length; i += fields.length) {
    const kind = types[raw.nodes[i + (type as number)] as number] ?? '?';
    const bytes = raw.nodes[i + (self as number)] as number;
    totalBytes += bytes;
    byType.set(kind, (byType.get(kind) ?? 0) + bytes);
    if (kind === 'string' && bytes > 64 * 1024) {
      const text = raw.strings[raw.nodes[i + (name as number)] as number] ?? '';
      strings.push({ bytes, start: text.slice(0, 40) });
    }
  }
  return {
    totalBytes,
    byType: [...byType].sort((a, b) => b[1] - a[1]),
    largestStrings: strings.sort((a, b) => b.bytes - a.bytes).slice(0, 3),
  };
}
