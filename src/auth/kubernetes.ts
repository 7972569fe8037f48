import type { KubernetesConfig } from '../config/config-types.ts';
import { AuthError } from '../errors/keyturn-error.ts';
import { flattenVaultError, type VaultResponseError } from '../vault/errors.ts';
import type { AuthMethod } from './auth-method.ts';
import { describeSource, readCredential } from './credential-source.ts';
import { readJwtClaims } from './jwt-claims.ts';

/**
 * Kubernetes (WIRE.md §5): the pod's service-account token, re-read at every login because
 * kubelet rotates projected tokens; so a new login is always possible.
 */
export function kubernetes(config: KubernetesConfig): AuthMethod {
  const where = describeSource(config.jwt);
  return {
    name: 'kubernetes',
    async prepare({ env, redactor }) {
      const jwt = await readCredential(config.jwt, 'auth.kubernetes.jwt', env, redactor);
      const subject = readJwtClaims(jwt)?.sub;
      return {
        kind: 'login',
        path: `auth/${config.mount}/login`,
        body: { role: config.role, jwt },
        once: false,
        identity: { role: config.role, ...(subject ? { subject } : {}) },
        refused: (error) => refused(error, config),
      };
    },
    reloginPlan: async () => ({
      possible: true,
      how: `the service-account token re-read from ${where}`,
    }),
    forRenewer: () => config,
  };
}

/** Vault's reasons, with what they usually mean in a cluster. */
function refused(error: VaultResponseError, config: KubernetesConfig): AuthError {
  const text = error.errors.map(flattenVaultError).join('; ') || 'no reason given';
  const at = `role "${config.role}" on auth/${config.mount}`;
  let hint = '';
  if (text === 'permission denied') {
    hint =
      ": Vault could not verify the service-account token (not signed by a key Vault's Kubernetes config trusts, or the TokenReview refused it: another cluster, a deleted service account)";
  } else if (/namespace not authorized|service account name not authorized/.test(text)) {
    hint = `: the role's bound_service_account_names / bound_service_account_namespaces do not include this pod's service account`;
  } else if (/audience/.test(text)) {
    hint =
      ": the token's audience is not the role's `audience` (a projected token's audience is set in the pod spec)";
  } else if (/invalid role name/.test(text)) {
    hint = ': no such role on this mount';
  }
  return new AuthError(`Kubernetes login refused for ${at} (${error.status}: ${text})${hint}`, {
    cause: error,
  });
}
