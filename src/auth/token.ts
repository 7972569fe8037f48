import type { TokenAuthConfig } from '../config/config-types.ts';
import type { AuthMethod } from './auth-method.ts';
import { describeSource, readCredential } from './credential-source.ts';

/**
 * An existing token (`auth.token`): no login. It is renewed while renewable, never revoked
 * unless `revoke_on_exit` (it is not keyturn's), and cannot be replaced: keyturn holds no
 * credential to log in with.
 */
export function givenToken(config: TokenAuthConfig): AuthMethod {
  const source = describeSource(config.token);
  return {
    name: 'token',
    async prepare({ env, redactor }) {
      const token = await readCredential(config.token, 'auth.token', env, redactor);
      return { kind: 'token', token, source };
    },
    reloginPlan: async () => ({
      possible: false,
      why: `the token was given to keyturn (from ${source}) and keyturn holds nothing to log in with`,
    }),
    forRenewer: () => config,
  };
}
