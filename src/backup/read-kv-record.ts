import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import type { SecretRecord } from './archive-records.ts';
import { type KvLocation, logicalPath, wirePath } from './kv-paths.ts';

interface V2Answer {
  data?: Record<string, unknown> | null;
  metadata?: { custom_metadata?: Record<string, string> | null };
}

/**
 * Reads one secret as an archive record: KV v2's latest version and its custom metadata
 * (one call: the data answer carries both), or KV v1's fields. Undefined when the secret
 * has gone since it was listed, or its latest version is deleted or destroyed (LIST still
 * names those, WIRE §8): there is nothing to restore.
 */
export async function readKvRecord(
  at: KvLocation,
  deps: { client: VaultClient; retrier: Retrier; token: string },
): Promise<SecretRecord | undefined> {
  const path = logicalPath(at);
  let data: unknown;
  try {
    const answer = await deps.retrier.idempotent(`read ${path}`, () =>
      deps.client.request<unknown>('GET', wirePath(at, 'data'), { token: deps.token }),
    );
    data = answer?.data;
  } catch (error) {
    if (error instanceof VaultResponseError && error.status === 404) return undefined;
    throw error;
  }
  if (at.kv === 1) return { kind: 'secret', path, data: (data ?? {}) as Record<string, unknown> };
  const v2 = data as V2Answer | undefined;
  if (!v2?.data) return undefined;
  const custom = v2.metadata?.custom_metadata;
  return { kind: 'secret', path, data: v2.data, ...(custom ? { customMetadata: custom } : {}) };
}
