import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house rule of STYLE.md, checked: composition at the top, mechanism below, and an
 * import never points up. Floors, top to bottom; a module may import its own floor or a
 * lower one. A new folder fails this test until it is given a floor here.
 */
const FLOORS: Record<string, number> = {
  'main.ts': 0,
  cli: 1,
  // behaviours
  prestart: 2,
  agent: 2,
  daemon: 2,
  status: 2,
  check: 2,
  exec: 2,
  launch: 2,
  operator: 2,
  backup: 2,
  metrics: 2,
  // mechanisms
  auth: 3,
  sources: 3,
  outputs: 3,
  state: 3,
  config: 3,
  // ground
  vault: 4,
  files: 4,
  log: 4,
  errors: 4,
  timing: 4,
};

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative module a file imports: static, type-only, re-exports and dynamic import(). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] ?? '');
  return specifiers.map((specifier) => resolve(dirname(file), specifier));
}

/** `cli` for src/cli/commands/x.ts, `main.ts` for src/main.ts. */
function roomOf(file: string): string {
  return relative(SRC, file).split('/')[0] ?? '';
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('the import graph of src/', () => {
  it('gives every folder a floor', () => {
    const rooms = [...new Set(files.map(roomOf))].filter((room) => FLOORS[room] === undefined);
    expect(rooms).toEqual([]);
  });

  it('has no arrow pointing up a floor (nothing imports cli/ but main.ts)', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const floor = FLOORS[roomOf(file)] ?? -1;
      for (const target of imports) {
        const targetFloor = FLOORS[roomOf(target)] ?? -1;
        if (targetFloor < floor) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no cycle', () => {
    expect(findCycles(graph).map((cycle) => cycle.map((f) => relative(SRC, f)))).toEqual([]);
  });

  it('finds an upward arrow and a cycle when there is one (the checks can fail)', () => {
    const a = join(SRC, 'vault/a.ts');
    const b = join(SRC, 'config/b.ts');
    const fake = new Map([
      [a, [b]],
      [b, [a]],
    ]);
    expect(findCycles(fake)).toHaveLength(1);
    expect((FLOORS[roomOf(b)] ?? 0) < (FLOORS[roomOf(a)] ?? 0)).toBe(true);
  });
});

/** Strongly connected components of more than one module (Tarjan), or a module importing itself. */
function findCycles(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const lows = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indexes.set(node, index);
    lows.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!indexes.has(next)) {
        visit(next);
        lows.set(node, Math.min(lows.get(node) ?? 0, lows.get(next) ?? 0));
      } else if (onStack.has(next)) {
        lows.set(node, Math.min(lows.get(node) ?? 0, indexes.get(next) ?? 0));
      }
    }
    if (lows.get(node) !== indexes.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) cycles.push(component);
  };
  for (const node of edges.keys()) if (!indexes.has(node)) visit(node);
  return cycles;
}
