import type { AuthConfig, Config } from '../config/config-types.ts';
import { readEnvironment } from '../config/environment.ts';
import { resolveVaultSettings } from '../config/resolve-vault-settings.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Output } from '../log/output.ts';
import { createVaultClient, type VaultClient } from '../vault/client.ts';
import type { CliContext } from './context.ts';
import type { JsonInput } from './input-json.ts';

/**
 * Validates the environment (SPEC §2), merges it under the config file, and opens the one
 * Vault client a command uses. `--input-json` answers replace the configured sources.
 */
export function openVault(config: Config, ctx: CliContext, out: Output, input: JsonInput = {}) {
  const env = readEnvironment(ctx.env);
  out.redactor.add(env.token);
  out.redactor.add(env.secretId);
  out.redactor.add(env.roleId);
  const settings = resolveVaultSettings(config, env);
  if (settings.tls.skipVerify) {
    out.log.warn(
      'TLS verification is OFF (VAULT_SKIP_VERIFY / tls.skip_verify): anyone on the path can read the secrets',
    );
  }
  const withInput: Config = {
    ...config,
    auth: withJsonInput(config.auth, input),
    vault: { ...config.vault, retry: settings.retry, timeoutMs: settings.timeoutMs },
  };
  const client: VaultClient = createVaultClient({
    address: settings.address,
    namespace: settings.namespace,
    tls: settings.tls,
    timeoutMs: settings.timeoutMs,
    redactor: out.redactor,
    // Debug lines trace every call by method, path and status (never a body or header).
    logger: out.log,
  });
  return { client, config: withInput, env };
}

/** `--input-json` answers replace the AppRole sources; they mean nothing to another method. */
function withJsonInput(auth: AuthConfig, input: JsonInput): AuthConfig {
  if (input.roleId === undefined && input.secretId === undefined) return auth;
  if (auth.method !== 'approle') {
    throw new UsageError(
      `--input-json: roleId and secretId are AppRole credentials, but auth uses ${auth.method}`,
    );
  }
  return {
    ...auth,
    roleId: input.roleId ? { kind: 'literal', value: input.roleId } : auth.roleId,
    secretId: input.secretId ? { kind: 'literal', value: input.secretId } : auth.secretId,
  };
}
