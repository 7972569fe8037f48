import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesWorld } from './files-world.ts';
import { expectNoSecrets } from './run-keyturn.ts';

const configuredMode = 0o440;
const size = 512 * 1024;
const versions = ['a', 'b', 'c', 'd', 'e'].map((c) => `version-${c}-${c.repeat(size)}`);

/** What a reader saw of the destination and its directory while keyturn rewrote it. */
interface Watch {
  reads: number;
  seen: Set<string>;
  problems: string[];
}

/**
 * Reads the destination over one descriptor (so mode and content belong to the same file)
 * and stats every entry of its directory, as fast as it can, until `stop` is set.
 */
async function watch(dir: string, name: string, stop: { done: boolean }): Promise<Watch> {
  const result: Watch = { reads: 0, seen: new Set(), problems: [] };
  while (!stop.done) {
    const handle = await open(join(dir, name), 'r').catch(() => undefined);
    if (handle !== undefined) {
      try {
        const stats = await handle.stat();
        const content = await handle.readFile('utf8');
        result.reads++;
        if ((stats.mode & 0o7777 & ~configuredMode) !== 0)
          result.problems.push(`mode ${(stats.mode & 0o7777).toString(8)}`);
        const version = versions.indexOf(content);
        if (version === -1) result.problems.push(`partial content (${content.length} bytes)`);
        else result.seen.add(String(version));
      } finally {
        await handle.close();
      }
    }
    for (const entry of await readdir(dir)) {
      const stats = await lstat(join(dir, entry)).catch(() => undefined);
      if (stats && (stats.mode & 0o7777 & ~configuredMode) !== 0)
        result.problems.push(`${entry} has mode ${(stats.mode & 0o7777).toString(8)}`);
    }
  }
  return result;
}

describe('keyturn prestart: a reader during rewrites', () => {
  it('never sees a partial file or a mode wider than configured', async () => {
    await using world = await filesWorld();
    await world.config(`
secrets:
  - { path: secret/app/blob, field: value, to: out/blob, mode: "0440" }
`);
    await world.vault.write('secret/data/app/blob', { data: { value: versions[0] } });
    const first = await world.prestart();
    expect(first.code, first.stderr).toBe(0);

    const stop = { done: false };
    const watching = watch(join(world.dir, 'out'), 'blob', stop);
    const runs = [first];
    for (const value of versions.slice(1)) {
      await world.vault.write('secret/data/app/blob', { data: { value } });
      const run = await world.prestart();
      expect(run.code, run.stderr).toBe(0);
      runs.push(run);
    }
    stop.done = true;
    const seen = await watching;

    expect(seen.problems).toEqual([]);
    // The reader really ran alongside the rewrites: it saw several versions.
    expect(seen.reads).toBeGreaterThan(versions.length);
    expect(seen.seen.size).toBeGreaterThanOrEqual(3);
    const handled = world.handled(Object.fromEntries(versions.map((v, i) => [`v${i}`, v])));
    for (const run of runs) expectNoSecrets(run, handled);
  });
});
