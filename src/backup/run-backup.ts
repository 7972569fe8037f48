import { pMapIterable, pMapSkip } from 'p-map';
import { UsageError } from '../errors/keyturn-error.ts';
import { writeStreamAtomic } from '../files/atomic-write-stream.ts';
import type { Logger } from '../log/output.ts';
import type { KvMounts } from '../sources/kv-mounts.ts';
import type { VaultClient } from '../vault/client.ts';
import type { Retrier } from '../vault/retrier.ts';
import { FORMAT, FORMAT_VERSION, headerBytes } from './archive-format.ts';
import { encodeRecord } from './archive-records.ts';
import { deriveKey, newScryptParams } from './derive-key.ts';
import { encryptFrames } from './encrypt-frames.ts';
import { locate } from './kv-paths.ts';
import { readKvRecord } from './read-kv-record.ts';
import { walkKv } from './walk-kv.ts';

export interface BackupOptions {
  /** `secret/app/`: a folder (a missing trailing slash is added). */
  prefix: string;
  out: string;
  passphrase: string;
  /** When the token may not detect the mount's KV version. */
  kvVersion?: 1 | 2;
  /** Reads in flight at once. */
  concurrency: number;
}

export interface BackupDeps {
  client: VaultClient;
  retrier: Retrier;
  mounts: KvMounts;
  token: string;
  log: Logger;
  keyturnUid: number;
  signal?: AbortSignal;
}

/**
 * `keyturn backup`: walks the KV tree under a prefix (LIST recursion), reads every secret
 * with bounded concurrency, and streams the records through AES-256-GCM into the archive.
 * Nothing is held but the reads in flight and one chunk, so memory is flat in the count.
 */
export async function runBackup(
  opts: BackupOptions,
  deps: BackupDeps,
): Promise<{ count: number; gone: number }> {
  const prefix = opts.prefix.endsWith('/') ? opts.prefix : `${opts.prefix}/`;
  const info = await deps.mounts.resolve(prefix, opts.kvVersion);
  if (info.kv === null)
    throw new UsageError(`${prefix} is not on a KV mount (${info.mount} is another engine)`);
  const folder = locate(prefix, info);
  const kdf = newScryptParams();
  const key = await deriveKey(opts.passphrase, kdf);
  const header = headerBytes({ format: FORMAT, version: FORMAT_VERSION, kdf });
  const tally = { count: 0, gone: 0 };
  const source = {
    kind: 'source' as const,
    address: deps.client.address,
    prefix,
    mount: info.mount,
    kv: folder.kv,
    createdAt: new Date().toISOString(),
  };

  async function* plaintext(): AsyncGenerator<Buffer> {
    yield encodeRecord(source);
    const records = pMapIterable(
      walkKv(folder, deps),
      async (at) => {
        const record = await readKvRecord(at, deps);
        if (record) return record;
        tally.gone += 1;
        deps.log.warn(
          { path: `${at.mount}${at.rel}` },
          'skipped: deleted or destroyed since listed',
        );
        return pMapSkip;
      },
      { concurrency: opts.concurrency },
    );
    for await (const record of records) {
      tally.count += 1;
      deps.log.debug({ path: record.path }, 'backed up');
      yield encodeRecord(record);
    }
    yield encodeRecord({ kind: 'end', count: tally.count });
  }

  await writeStreamAtomic(opts.out, encryptFrames(plaintext(), key, header), {
    mode: 0o600,
    keyturnUid: deps.keyturnUid,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  return tally;
}
