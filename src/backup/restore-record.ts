import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import type { SecretRecord } from './archive-records.ts';
import { type KvLocation, logicalPath, wirePath } from './kv-paths.ts';

/** What restore did (or, with --dry-run, would do) with one secret. */
export type RestoreOutcome = 'created' | 'updated' | 'skipped' | 'conflict';

export interface RestoreDeps {
  client: VaultClient;
  retrier: Retrier;
  token: string;
}

export interface RestoreFlags {
  overwrite: boolean;
  dryRun: boolean;
}

interface V2Metadata {
  current_version?: number;
  versions?: Record<string, { deletion_time?: string; destroyed?: boolean }>;
}

/** GET that answers undefined for Vault's 404. */
async function readOrAbsent<T>(path: string, what: string, deps: RestoreDeps) {
  try {
    const answer = await deps.retrier.idempotent(what, () =>
      deps.client.request<T>('GET', path, { token: deps.token }),
    );
    return answer?.data;
  } catch (error) {
    if (error instanceof VaultResponseError && error.status === 404) return undefined;
    throw error;
  }
}

/** KV v2: the version to check-and-set against, and whether a live version is there. */
async function currentV2(at: KvLocation, deps: RestoreDeps) {
  const meta = await readOrAbsent<V2Metadata>(
    wirePath(at, 'metadata'),
    `metadata of ${logicalPath(at)}`,
    deps,
  );
  const version = meta?.current_version ?? 0;
  const latest = meta?.versions?.[String(version)];
  // A deleted or destroyed latest version reads as absent: restoring it is a creation.
  const live = version > 0 && latest !== undefined && !latest.destroyed && !latest.deletion_time;
  return { version, live };
}

const casMismatch = (error: unknown) =>
  error instanceof VaultResponseError &&
  error.status === 400 &&
  error.errors.some((text) => text.includes('check-and-set parameter did not match'));

/**
 * Restores one secret at `at`: creates it when absent; when present, skips it unless
 * `overwrite`. On KV v2 every write is check-and-set against the version just read, so a
 * change made meanwhile by someone else is reported as a conflict, never clobbered. KV v1
 * has no such check. Writes are single calls (not retried once sent: a retry of a write
 * that landed would read as a conflict).
 */
export async function restoreRecord(
  record: SecretRecord,
  at: KvLocation,
  flags: RestoreFlags,
  deps: RestoreDeps,
): Promise<RestoreOutcome> {
  const path = logicalPath(at);
  if (at.kv === 1) {
    const exists = (await readOrAbsent(wirePath(at, 'data'), `read ${path}`, deps)) !== undefined;
    if (exists && !flags.overwrite) return 'skipped';
    if (!flags.dryRun) {
      await deps.retrier.once(`write ${path}`, () =>
        deps.client.request('POST', wirePath(at, 'data'), { token: deps.token, body: record.data }),
      );
    }
    return exists ? 'updated' : 'created';
  }
  const current = await currentV2(at, deps);
  if (current.live && !flags.overwrite) return 'skipped';
  const outcome = current.live ? 'updated' : 'created';
  if (flags.dryRun) return outcome;
  try {
    await deps.retrier.once(`write ${path}`, () =>
      deps.client.request('POST', wirePath(at, 'data'), {
        token: deps.token,
        body: { data: record.data, options: { cas: current.version } },
      }),
    );
  } catch (error) {
    if (casMismatch(error)) return 'conflict';
    throw error;
  }
  if (record.customMetadata) {
    await deps.retrier.once(`write metadata of ${path}`, () =>
      deps.client.request('POST', wirePath(at, 'metadata'), {
        token: deps.token,
        body: { custom_metadata: record.customMetadata },
      }),
    );
  }
  return outcome;
}
