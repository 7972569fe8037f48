import type { LoginResult } from '../auth/auth-method.ts';
import { authMethod } from '../auth/auth-methods.ts';
import { authenticate } from '../auth/authenticate.ts';
import type { AuthConfig } from '../config/config-types.ts';
import type { VaultClient } from '../vault/client.ts';
import type { Retrier } from '../vault/retrier.ts';
import type { CommandRun } from './context.ts';

/** `VAULT_TOKEN` as an auth block: a CI job's or operator's own token, used as given. */
export const VAULT_TOKEN_AUTH: AuthConfig = {
  method: 'token',
  token: { kind: 'env', name: 'VAULT_TOKEN' },
};

/** One login through the auth seam with this command's log, redactor and environment. */
export function logIn(
  auth: AuthConfig,
  client: VaultClient,
  retrier: Retrier,
  { ctx, out }: Pick<CommandRun<unknown>, 'ctx' | 'out'>,
): Promise<LoginResult> {
  return authenticate(authMethod(auth), {
    client,
    retrier,
    log: out.log,
    redactor: out.redactor,
    env: ctx.env,
    now: Date.now,
  });
}
