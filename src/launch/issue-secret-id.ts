import { AuthError, UsageError, VaultDataError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { VaultClient } from '../vault/client.ts';
import { isInvalidToken, VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import type { SecretIdRequest } from './secret-id-request.ts';

/** What `--json` prints: wrap_info as Vault names it, so a CI can destroy by accessor later. */
export interface WrappedSecretId {
  token: string;
  accessor: string;
  ttl: number;
  creation_path: string;
  wrapped_accessor: string;
}

export interface LauncherCall {
  client: VaultClient;
  retrier: Retrier;
  /** The launcher's own token (never printed; registered with the redactor by the client). */
  token: string;
  log: Logger;
}

/**
 * Creates a response-wrapped secret ID for a role. Sent once: a retry after a timeout could
 * leave a second secret ID nobody holds, so only a connection that never reached Vault is
 * retried (the retrier's `once`).
 */
export async function issueSecretId(
  request: SecretIdRequest,
  call: LauncherCall,
): Promise<WrappedSecretId> {
  const path = `auth/${request.mount}/role/${request.role}/secret-id`;
  const response = await call.retrier
    .once('secret ID creation', () =>
      call.client.request('POST', path, {
        token: call.token,
        body: request.body,
        wrapTtl: `${request.wrapTtlSeconds}s`,
      }),
    )
    .catch((error: unknown) => {
      throw explainRefusal(error, request, path, 'update');
    });
  const wrap = response?.wrapInfo;
  if (!wrap?.token) throw new VaultDataError(`Vault answered POST ${path} without wrap_info`);
  const issued: WrappedSecretId = {
    token: wrap.token,
    accessor: wrap.accessor,
    ttl: Math.round(wrap.ttlMs / 1000),
    creation_path: wrap.creationPath,
    wrapped_accessor: wrap.wrappedAccessor,
  };
  call.log.info(
    {
      role: request.role,
      accessor: issued.accessor,
      wrappedAccessor: issued.wrapped_accessor,
      ttl: issued.ttl,
    },
    'issued a response-wrapped secret ID',
  );
  return issued;
}

/**
 * Vault's refusals as a launcher's operator needs them: a missing role or mount (64) names
 * what is missing; a 403 (77) names the policy path and capability the token lacks — or
 * that the token itself is dead; a 400 is a bad flag value, with Vault's (redacted) text.
 */
export function explainRefusal(
  error: unknown,
  request: Pick<SecretIdRequest, 'mount' | 'role' | 'wrapTtlSeconds'>,
  path: string,
  capability: 'update' | 'read',
): unknown {
  if (!(error instanceof VaultResponseError)) return error;
  const reason = error.errors.join('; ').replace(/\s+/g, ' ').trim();
  if (error.status === 404) {
    const noMount = /no handler for route/.test(reason);
    return new UsageError(
      noMount
        ? `no auth method is mounted at auth/${request.mount}/ (Vault: ${reason}); pass --mount`
        : `AppRole role "${request.role}" does not exist at auth/${request.mount}/role/${request.role}`,
      { cause: error, details: { role: request.role, status: 404 } },
    );
  }
  if (error.status === 403 && isInvalidToken(error)) {
    return new AuthError(
      "the launcher's token was refused (invalid token): it is unknown, expired, revoked or out of uses",
      { cause: error },
    );
  }
  if (error.status === 403) {
    const bounds =
      capability === 'update'
        ? `, and any min_wrapping_ttl/max_wrapping_ttl on it must allow --wrap-ttl ${request.wrapTtlSeconds}s`
        : '';
    const wildcard = path.replace(`/role/${request.role}/`, '/role/+/');
    return new AuthError(
      `permission denied: the launcher's token may not ${capability} ${path}. Its policy needs ` +
        `path "${path}" (or "${wildcard}") { capabilities = ["${capability}"] }${bounds}`,
      { cause: error, details: { path, status: 403 } },
    );
  }
  if (error.status === 400) {
    return new UsageError(`Vault refused ${path}: ${reason}`, { cause: error, details: { path } });
  }
  return error;
}
