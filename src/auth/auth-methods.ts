import type { AuthConfig } from '../config/config-types.ts';
import { appRole } from './approle.ts';
import type { AuthMethod } from './auth-method.ts';
import { jwt } from './jwt.ts';
import { kubernetes } from './kubernetes.ts';
import { givenToken } from './token.ts';

/** The method a config names (SPEC §3 `auth:`). */
export function authMethod(config: AuthConfig): AuthMethod {
  switch (config.method) {
    case 'approle':
      return appRole(config);
    case 'kubernetes':
      return kubernetes(config);
    case 'jwt':
      return jwt(config);
    case 'token':
      return givenToken(config);
  }
}
