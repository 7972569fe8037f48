import type { Output } from '../log/output.ts';
import type { VaultClient } from '../vault/client.ts';
import type { LoginResult } from './auth-method.ts';

/** The two log lines of a revocation, saying why the token had to go. */
export interface RevokeMessages {
  revoked: string;
  failed: string;
}

/**
 * Revokes a login's token with revoke-self, which revokes its leases with it. Best effort,
 * never throws: a token that cannot be revoked now still expires on its own. A token given
 * to keyturn (not minted by it) is left alone.
 */
export async function revokeToken(
  client: VaultClient,
  login: LoginResult,
  out: Output,
  messages: RevokeMessages,
): Promise<void> {
  if (!login.owned) return;
  try {
    await client.request('POST', 'auth/token/revoke-self', { token: login.token });
    out.log.info({ accessor: login.accessor }, messages.revoked);
  } catch (error) {
    out.log.warn({ accessor: login.accessor, error: String(error) }, messages.failed);
  }
}
