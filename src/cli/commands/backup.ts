import { resolve } from 'node:path';
import type { CommandRun } from '../context.ts';
import { readAnswer } from '../read-answer.ts';
import { kvVersionFlag } from './kv-version-flag.ts';

export interface BackupFlags {
  /** Required by commander: always set. */
  prefix?: string;
  out?: string;
  passphraseFile?: string;
  kvVersion?: string;
}

/** Shortest passphrase a new archive accepts: an archive can be attacked offline for ever. */
const MIN_PASSPHRASE = 12;

/**
 * `keyturn backup --prefix P --out FILE` (SPEC §1): every secret under P into one encrypted
 * archive, written atomically at 0600. Token from VAULT_TOKEN; passphrase from
 * --input-json, --passphrase-file or a prompt.
 */
export async function run(run: CommandRun<BackupFlags>): Promise<number> {
  const { ctx, out, options } = run;
  const prefix = options.prefix ?? '';
  const kvVersion = kvVersionFlag(options.kvVersion);
  const passphrase = await readAnswer(run, {
    name: 'passphrase',
    file: options.passphraseFile,
    fileFlag: '--passphrase-file',
    question: 'passphrase for the new archive: ',
    confirm: true,
  });
  if ([...passphrase].length < MIN_PASSPHRASE) {
    const { UsageError } = await import('../../errors/keyturn-error.ts');
    throw new UsageError(`the passphrase must be at least ${MIN_PASSPHRASE} characters long`);
  }
  const { openKvSession } = await import('../open-kv-session.ts');
  const { runBackup } = await import('../../backup/run-backup.ts');
  const session = await openKvSession(run);
  try {
    const outPath = resolve(ctx.cwd, options.out ?? '');
    const started = Date.now();
    const { count, gone } = await runBackup(
      { prefix, out: outPath, passphrase, kvVersion, concurrency: 16 },
      { ...session, log: out.log, keyturnUid: ctx.uid, signal: ctx.signal },
    );
    out.log.info(
      { out: outPath, secrets: count, gone, ms: Date.now() - started },
      'backup written',
    );
    out.print(`backed up ${count} secrets under ${prefix} to ${outPath}\n`);
    return 0;
  } finally {
    session.close();
  }
}
