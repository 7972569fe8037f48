import type { LoginResult } from '../auth/approle-login.ts';
import type { Output } from '../log/output.ts';
import type { VaultClient } from '../vault/client.ts';

/**
 * When the renewer could not be started, the prestart's token goes (and its leases with it):
 * nothing would keep it alive, and a failed preStart must not leave credentials minted.
 */
export async function revokeToken(
  client: VaultClient,
  login: LoginResult,
  out: Output,
): Promise<void> {
  try {
    await client.request('POST', 'auth/token/revoke-self', { token: login.token });
    out.log.info({ accessor: login.accessor }, 'revoked the token: no renewer would keep it');
  } catch (error) {
    out.log.warn({ accessor: login.accessor, error: String(error) }, 'could not revoke the token');
  }
}
