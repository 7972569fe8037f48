import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import { type KvLocation, logicalPath, wirePath } from './kv-paths.ts';

export interface WalkDeps {
  client: VaultClient;
  retrier: Retrier;
  token: string;
  signal?: AbortSignal;
}

/** One LIST; an empty folder is Vault's 404 `{"errors":[]}`. */
async function list(folder: KvLocation, deps: WalkDeps): Promise<string[]> {
  const path = wirePath(folder, 'metadata');
  try {
    const answer = await deps.retrier.idempotent(`list ${logicalPath(folder)}`, () =>
      deps.client.request<{ keys?: unknown }>('LIST', path, { token: deps.token }),
    );
    const keys = answer?.data?.keys;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch (error) {
    if (error instanceof VaultResponseError && error.status === 404) return [];
    throw error;
  }
}

/**
 * Every secret below a folder, depth first, sorted within each folder. Only the folders on
 * the current branch are held, never the secrets, so a large tree costs its widest LIST.
 */
export async function* walkKv(folder: KvLocation, deps: WalkDeps): AsyncGenerator<KvLocation> {
  const keys = (await list(folder, deps)).sort();
  for (const key of keys) {
    deps.signal?.throwIfAborted();
    const child: KvLocation = { ...folder, rel: `${folder.rel}${key}` };
    if (key.endsWith('/')) yield* walkKv(child, deps);
    else yield child;
  }
}
