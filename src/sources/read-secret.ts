import { AuthError, VaultDataError } from '../errors/keyturn-error.ts';
import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import type { VaultResponse } from '../vault/types.ts';
import type { KvMounts } from './kv-mounts.ts';

/** A lease keyturn holds on behalf of a secret (dynamic credentials, leased certificates). */
export interface Lease {
  id: string;
  durationMs: number;
  renewable: boolean;
}

/** The lease of an answer, if it has one. */
export function leaseOf(
  response: Pick<VaultResponse<unknown>, 'leaseId' | 'leaseDurationMs' | 'renewable'>,
): Lease | undefined {
  if (!response.leaseId) return undefined;
  return {
    id: response.leaseId,
    durationMs: response.leaseDurationMs,
    renewable: response.renewable,
  };
}

export interface SecretData {
  data: Record<string, unknown>;
  lease?: Lease;
  /** KV v2 version read, for logs. */
  version?: number;
}

export interface ReadRequest {
  path: string;
  /** KV v2 only: pin a version. */
  version?: number;
  kvVersion?: 1 | 2;
}

/** Reads one secret: KV v1, KV v2 (via `<mount>/data/`), or any readable path (dynamic). */
export async function readSecret(
  request: ReadRequest,
  deps: { client: VaultClient; retrier: Retrier; mounts: KvMounts; token: string },
): Promise<SecretData> {
  const mount = await deps.mounts.resolve(request.path, request.kvVersion);
  const isV2 = mount.kv === 2;
  if (request.version !== undefined && !isV2) {
    // Reading anyway would hand over the unversioned secret as if it were the pinned version.
    throw new VaultDataError(
      `${request.path}: version ${request.version} is pinned, but ${mount.mount} is ` +
        `${mount.kv === 1 ? 'a KV v1 mount' : 'not a KV mount'} (only KV v2 keeps versions)`,
      { details: { path: request.path, mount: mount.mount } },
    );
  }
  const wirePath = isV2
    ? `${mount.mount}data/${request.path.slice(mount.mount.length)}`
    : request.path;
  const query =
    isV2 && request.version !== undefined ? { version: String(request.version) } : undefined;
  // A dynamic path mints credentials on every read, so a retry could leak an orphan lease;
  // it is still retried: the orphan is revoked with the token, and Vault Agent does the same.
  const response = await deps.retrier
    .idempotent(`read ${request.path}`, () =>
      deps.client.request<Record<string, unknown>>('GET', wirePath, { token: deps.token, query }),
    )
    .catch((error: unknown) => explainReadFailure(error, request));
  if (!response?.data) throw new VaultDataError(`${request.path}: Vault returned no data`);
  if (!isV2) return { data: dataObject(response.data, request.path), lease: leaseOf(response) };
  const inner = dataObject(response.data, request.path) as {
    data?: Record<string, unknown> | null;
    metadata?: { version?: number };
  };
  if (!inner.data) throw new VaultDataError(`${request.path}: no data in the KV v2 answer`);
  return { data: dataObject(inner.data, request.path), version: inner.metadata?.version };
}

/**
 * A secret's data is a JSON object of fields. A string would become one file per character
 * with `format: files`, a number nothing at all: refused (65), naming the path.
 */
function dataObject(value: unknown, path: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  throw new VaultDataError(`${path}: Vault returned ${kind} as the secret's data, not an object`, {
    details: { path },
  });
}

function explainReadFailure(error: unknown, request: ReadRequest): never {
  if (!(error instanceof VaultResponseError)) throw error;
  const at =
    request.version === undefined ? request.path : `${request.path} version ${request.version}`;
  if (error.status === 403) {
    throw new AuthError(
      `permission denied reading ${request.path}: the token's policies do not allow it`,
      {
        cause: error,
        details: { path: request.path },
      },
    );
  }
  if (error.status === 404) throw notFound(error, request, at);
  throw error;
}

/** KV v2 answers 404 with the version's metadata when it was deleted or destroyed: say which. */
function notFound(error: VaultResponseError, request: ReadRequest, at: string): VaultDataError {
  const metadata = (error.body as { data?: { metadata?: KvMetadata } } | undefined)?.data?.metadata;
  const details = { path: request.path, version: metadata?.version ?? request.version };
  const which =
    request.version === undefined && metadata?.version !== undefined
      ? `${request.path} (latest version, ${metadata.version})`
      : at;
  if (metadata?.destroyed) {
    return new VaultDataError(`${which} was destroyed; pin another version`, {
      cause: error,
      details,
    });
  }
  if (metadata?.deletion_time) {
    return new VaultDataError(
      `${which} was deleted at ${metadata.deletion_time}; undelete it or pin another version`,
      { cause: error, details },
    );
  }
  return new VaultDataError(`no secret at ${at}`, {
    cause: error,
    details: { path: request.path },
  });
}

interface KvMetadata {
  version?: number;
  destroyed?: boolean;
  deletion_time?: string;
}
