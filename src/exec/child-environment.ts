import { withoutVaultVariables } from '../agent/on-change.ts';
import type { SecretConfig } from '../config/config-types.ts';
import { VaultDataError } from '../errors/keyturn-error.ts';
import { valueText } from '../files/value-text.ts';
import type { SecretData } from '../sources/read-secret.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables each secret's `env:` mapping puts in the child's environment (SPEC §3
 * `exec`), read from the secrets as fetched. A field the secret does not have is Vault's
 * answer not fitting the config: 65, naming the path, field and variable (never a value).
 */
export function mappedVariables(
  secrets: readonly SecretConfig[],
  data: readonly (SecretData | undefined)[],
): Record<string, string> {
  const variables: Record<string, string> = {};
  secrets.forEach((secret, index) => {
    for (const [variable, field] of Object.entries(secret.env)) {
      const fields = data[index]?.data ?? {};
      if (!Object.hasOwn(fields, field)) {
        throw new VaultDataError(
          `${secret.path} has no field "${field}" (env: ${variable}); it has: ${Object.keys(fields).join(', ') || 'no fields'}`,
          { details: { path: secret.path, field, variable } },
        );
      }
      variables[variable] = valueText(fields[field]);
    }
  });
  return variables;
}

/**
 * The child's whole environment: keyturn's own minus every `VAULT_*` variable (the child must
 * not learn how to reach Vault as keyturn, least of all the secret ID or a token), plus the
 * mapped variables — which may name a `VAULT_*` variable on purpose.
 */
export function childEnvironment(env: Env, mapped: Record<string, string>): Record<string, string> {
  return { ...withoutVaultVariables(env), ...mapped };
}

/** Whether two sets of mapped variables differ (a rotation that reaches the child). */
export function variablesDiffer(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return true;
  return false;
}
