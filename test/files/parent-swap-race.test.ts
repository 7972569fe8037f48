import { chmod, chown, lchown, mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyturnError } from '../../src/errors/keyturn-error.ts';
import { writeFileAtomic } from '../../src/files/atomic-write.ts';
import { TEMP_PREFIX } from '../../src/files/temp-file-name.ts';
import { makeTempDir } from './make-temp-dir.ts';
import { startSwapper, swapperCommand } from './swapper/start-swapper.ts';

/*
 * Issue 12, High 3: a directory on the way is exchanged with a symlink (renameat2
 * RENAME_EXCHANGE) again and again while keyturn, as root, writes a file for uid 1000.
 * Over 500 writes: no file outside the intended directory, no internal error (exit 70),
 * no stray temporary file. Bounded: the swapper stops by itself after 60 s at most.
 */

const isRoot = process.getuid?.() === 0;
const swapper = swapperCommand();
const skip = !isRoot
  ? 'needs uid 0 (keyturn as root, the swapper as uid 1000)'
  : 'skip' in swapper
    ? swapper.skip
    : undefined;
if (skip) console.warn(`RACE TEST skipped: ${skip}`);

const attacker = { uid: 1000, gid: 1000 };
const RUNS = 500;

describe.skipIf(skip !== undefined)('a parent swapped for a symlink during writes', () => {
  it(`never lets ${RUNS} writes land outside the intended directory`, async () => {
    await using dir = await makeTempDir();
    const rootDir = join(dir.path, 'root-only'); // uid 1000 cannot write here
    await mkdir(rootDir, { mode: 0o755 });
    const own = join(dir.path, 'own');
    await mkdir(own);
    await chown(own, attacker.uid, attacker.gid);
    await chmod(own, 0o755);
    const app = join(own, 'app');
    await mkdir(app);
    await chown(app, attacker.uid, attacker.gid);
    const evil = join(own, 'evil');
    await symlink(rootDir, evil);
    await lchown(evil, attacker.uid, attacker.gid);

    if ('skip' in swapper) return;
    const swap = startSwapper(swapper.command, app, evil, 60_000, attacker);
    await swap.started;
    const outcomes = new Map<string, number>();
    try {
      for (let run = 0; run < RUNS; run++) {
        const outcome = await writeFileAtomic(join(app, 'secret'), `secret-${run}`, {
          mode: 0o600,
          ...attacker,
          keyturnUid: 0,
        }).catch((error: unknown) => error);
        if (typeof outcome !== 'string') {
          // A refusal is fine; anything else would be exit 70.
          expect(outcome).toBeInstanceOf(KeyturnError);
          expect(outcome).toMatchObject({ exitCode: 73 });
        }
        const key = typeof outcome === 'string' ? outcome : 'refused (73)';
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    } finally {
      swap.child.kill('SIGTERM');
    }
    const swaps = await swap.done.catch(() => -1);
    console.log(
      `race: ${RUNS} writes under the swapper: ${JSON.stringify([...outcomes])}, swapper ${swaps < 0 ? 'killed' : `made ${swaps} exchanges`}`,
    );
    // Whichever name each directory ended up under:
    const rootEntries = await readdir(rootDir);
    expect(rootEntries).toEqual([]);
    const appEntries = await readdir(app).catch(() => readdir(evil));
    expect(appEntries.filter((name) => name.startsWith(TEMP_PREFIX))).toEqual([]);
    expect(outcomes.get('written') ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
