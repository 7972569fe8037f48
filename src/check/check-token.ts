import { AuthError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { VaultClient } from '../vault/client.ts';
import { isInvalidToken, isPermissionDenied } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';

interface LookupSelf {
  accessor?: string;
  policies?: string[];
  ttl?: number;
}

/**
 * Looks up the CI job's VAULT_TOKEN before anything else: a dead token would otherwise
 * surface as a misleading "cannot detect the KV version" on the first path. A token whose
 * policy denies lookup-self (no `default` policy) is still usable, so that is not an error.
 */
export async function checkGivenToken(
  token: string,
  deps: { client: VaultClient; retrier: Retrier; log: Logger },
): Promise<void> {
  try {
    const answer = await deps.retrier.idempotent('token lookup', () =>
      deps.client.request<LookupSelf>('GET', 'auth/token/lookup-self', { token }),
    );
    const data = answer?.data;
    deps.log.info(
      { accessor: data?.accessor, policies: data?.policies, ttl: data?.ttl },
      'checking with VAULT_TOKEN',
    );
  } catch (error) {
    if (isInvalidToken(error)) {
      throw new AuthError(
        'VAULT_TOKEN was refused by Vault (invalid token): it is unknown, expired, revoked or out of uses',
        { cause: error },
      );
    }
    if (!isPermissionDenied(error)) throw error;
    deps.log.info('checking with VAULT_TOKEN (its policy does not allow lookup-self)');
  }
}
