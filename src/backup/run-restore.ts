import { pMapIterable } from 'p-map';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { KvMounts } from '../sources/kv-mounts.ts';
import type { SecretRecord } from './archive-records.ts';
import { locate } from './kv-paths.ts';
import { mapPath, type PrefixRule } from './prefix-map.ts';
import type { OpenArchive } from './read-archive.ts';
import {
  type RestoreDeps,
  type RestoreFlags,
  type RestoreOutcome,
  restoreRecord,
} from './restore-record.ts';
import { scrubValues } from './scrub-values.ts';

export interface RestoreOptions extends RestoreFlags {
  prefixMap: PrefixRule[];
  kvVersion?: 1 | 2;
  concurrency: number;
}

export type RestoreSummary = Record<RestoreOutcome, number> & { metadataDropped: number };

/**
 * `keyturn restore`, once the archive has been verified whole (verifyArchive): a second
 * pass maps every path and resolves its mount (one detection per mount) so a path that
 * lands on no KV mount stops the run before anything is written; a third restores the
 * secrets with bounded concurrency. `report` gets one line per secret, in archive order.
 */
export async function runRestore(
  archive: OpenArchive,
  opts: RestoreOptions,
  deps: RestoreDeps & { mounts: KvMounts; log: Logger },
  report: (outcome: RestoreOutcome, path: string) => void,
): Promise<RestoreSummary> {
  const summary: RestoreSummary = {
    created: 0,
    updated: 0,
    skipped: 0,
    conflict: 0,
    metadataDropped: 0,
  };
  const target = async (record: SecretRecord) => {
    const path = mapPath(record.path, opts.prefixMap);
    const info = await deps.mounts.resolve(path, opts.kvVersion);
    if (info.kv === null) {
      throw new UsageError(
        `${path} (from ${record.path}) is not on a KV mount (${info.mount} is another engine); nothing was restored`,
      );
    }
    return { path, at: locate(path, info) };
  };
  for await (const record of archive.records()) await target(record);
  const restoreOne = async (record: SecretRecord) => {
    const { path, at } = await target(record);
    if (at.kv === 1 && record.customMetadata) summary.metadataDropped += 1;
    const outcome = await scrubValues(record, () => restoreRecord(record, at, opts, deps));
    return { outcome, path };
  };
  for await (const { outcome, path } of pMapIterable(archive.records(), restoreOne, {
    concurrency: opts.concurrency,
  })) {
    summary[outcome] += 1;
    if (outcome === 'conflict') {
      deps.log.warn({ path }, 'not overwritten: it changed while restore ran (check-and-set)');
    }
    report(outcome, path);
  }
  if (summary.metadataDropped > 0) {
    deps.log.warn(
      { secrets: summary.metadataDropped },
      'custom metadata was not restored: the target is KV v1, which has none',
    );
  }
  return summary;
}
