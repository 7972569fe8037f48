import type { JwtConfig } from '../config/config-types.ts';
import { AuthError } from '../errors/keyturn-error.ts';
import { Redactor } from '../log/redactor.ts';
import { flattenVaultError, type VaultResponseError } from '../vault/errors.ts';
import type { AuthMethod, ReloginPlan } from './auth-method.ts';
import { describeSource, type Env, readCredential } from './credential-source.ts';
import { readJwtClaims } from './jwt-claims.ts';

/**
 * JWT/OIDC (WIRE.md §6): a CI system's short-lived identity token. A new login works as long
 * as the JWT, read again from its source, has not expired.
 */
export function jwt(config: JwtConfig): AuthMethod {
  return {
    name: 'jwt',
    async prepare({ env, redactor }) {
      const token = await readCredential(config.jwt, 'auth.jwt.jwt', env, redactor);
      // The subject names the CI job (`repo:org/app:ref:refs/heads/main`): who logged in.
      const subject = readJwtClaims(token)?.sub;
      return {
        kind: 'login',
        path: `auth/${config.mount}/login`,
        body: { ...(config.role ? { role: config.role } : {}), jwt: token },
        once: false,
        identity: {
          ...(config.role ? { role: config.role } : {}),
          ...(subject ? { subject } : {}),
        },
        refused: (error) => refused(error, config),
      };
    },
    reloginPlan: (env, now) => reloginPlan(config, env, now),
    forRenewer: () => config,
  };
}

async function reloginPlan(config: JwtConfig, env: Env, now: number): Promise<ReloginPlan> {
  const where = describeSource(config.jwt);
  let token: string;
  try {
    // A throwaway redactor: this read only looks at the claims; the login registers it.
    token = await readCredential(config.jwt, 'auth.jwt.jwt', env, new Redactor());
  } catch (error) {
    return { possible: false, why: `the JWT cannot be read again (${(error as Error).message})` };
  }
  const exp = readJwtClaims(token)?.exp;
  if (exp !== undefined && exp * 1000 <= now) {
    const date = new Date(exp * 1000);
    const at = Number.isNaN(date.getTime()) ? `exp ${exp}` : date.toISOString(); // a hostile exp
    return { possible: false, why: `the JWT from ${where} expired at ${at}` };
  }
  return { possible: true, how: `the JWT from ${where}` };
}

/** Vault's JWT method answers every refusal with 400 and a precise text (WIRE.md §6). */
function refused(error: VaultResponseError, config: JwtConfig): AuthError {
  const text = error.errors.map(flattenVaultError).join('; ') || 'no reason given';
  const role = config.role ? `role "${config.role}"` : 'the default role';
  let hint = '';
  if (/token is expired/.test(text)) {
    hint = ': CI identity tokens live minutes; request the JWT right before keyturn runs';
  } else if (/audience/.test(text)) {
    hint = ": request the JWT with an audience the role's bound_audiences list";
  } else if (/could not be found|missing role/.test(text)) {
    hint = `: no such role on auth/${config.mount}`;
  }
  return new AuthError(
    `JWT login refused for ${role} on auth/${config.mount} (${error.status}: ${text})${hint}`,
    { cause: error },
  );
}
