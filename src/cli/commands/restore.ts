import { resolve } from 'node:path';
import type { CommandRun } from '../context.ts';
import { readAnswer } from '../read-answer.ts';
import { kvVersionFlag } from './kv-version-flag.ts';

export interface RestoreFlags {
  /** Required by commander: always set. */
  in?: string;
  prefixMap?: string[];
  dryRun?: boolean;
  overwrite?: boolean;
  list?: boolean;
  passphraseFile?: string;
  kvVersion?: string;
}

/**
 * `keyturn restore --in FILE` (SPEC §1): the whole archive is decrypted and authenticated
 * before Vault is even contacted (a wrong passphrase or a flipped byte: 65, nothing
 * written); then every secret is created, updated (--overwrite, check-and-set on KV v2)
 * or skipped, and each outcome printed. `--list` prints the paths and stops.
 */
export async function run(run: CommandRun<RestoreFlags>): Promise<number> {
  const { ctx, out, options } = run;
  const { parsePrefixMap } = await import('../../backup/prefix-map.ts');
  const prefixMap = parsePrefixMap(options.prefixMap ?? []);
  const kvVersion = kvVersionFlag(options.kvVersion);
  const passphrase = await readAnswer(run, {
    name: 'passphrase',
    file: options.passphraseFile,
    fileFlag: '--passphrase-file',
    question: 'passphrase of the archive: ',
  });
  const { openArchive, verifyArchive } = await import('../../backup/read-archive.ts');
  const archive = await openArchive(resolve(ctx.cwd, options.in ?? ''), passphrase);
  try {
    // Whole and authentic first, so a cut archive never passes for a short list either.
    const count = await verifyArchive(archive);
    if (options.list) {
      for await (const record of archive.records()) out.print(`${record.path}\n`);
      return 0;
    }
    const source = archive.source();
    out.log.info(
      {
        secrets: count,
        from: source?.address,
        prefix: source?.prefix,
        kv: source?.kv,
        createdAt: source?.createdAt,
      },
      'archive verified',
    );
    const { openKvSession } = await import('../open-kv-session.ts');
    const { runRestore } = await import('../../backup/run-restore.ts');
    const session = await openKvSession(run);
    try {
      const dryRun = options.dryRun === true;
      const verb = dryRun ? 'would be ' : '';
      const summary = await runRestore(
        archive,
        { prefixMap, kvVersion, dryRun, overwrite: options.overwrite === true, concurrency: 16 },
        { ...session, log: out.log },
        (outcome, path) => out.print(`${verb}${outcome}\t${path}\n`),
      );
      out.print(
        `${dryRun ? 'dry run: ' : ''}${summary.created} created, ${summary.updated} updated, ` +
          `${summary.skipped} skipped, ${summary.conflict} conflicts\n`,
      );
      return 0;
    } finally {
      session.close();
    }
  } finally {
    await archive.close();
  }
}
