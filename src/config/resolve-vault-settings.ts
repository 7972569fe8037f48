import { UsageError } from '../errors/keyturn-error.ts';
import type { VaultTlsOptions } from '../vault/tls-options.ts';
import type { Config } from './config-types.ts';
import type { Environment } from './environment.ts';

/** Everything the Vault client needs to connect, with every source merged. */
export interface VaultSettings {
  address: string;
  tls: VaultTlsOptions & {
    /** false unless set: verification stays on. When true the caller warns at every start. */
    skipVerify: boolean;
  };
  namespace?: string;
  timeoutMs: number;
  retry: Config['vault']['retry'];
}

/** Values given on the command line; they win over the file and the environment. */
export interface VaultFlagOverrides {
  address?: string;
}

/**
 * Merges connection settings the way Vault Agent does: a value written in the config file
 * wins, the environment (VAULT_ADDR, VAULT_CACERT, ...) fills only what the file leaves
 * out, and flags win over both. Throws a UsageError when no address is known at all.
 */
export function resolveVaultSettings(
  config: Config,
  env: Environment,
  flags: VaultFlagOverrides = {},
): VaultSettings {
  const file = config.vault;
  const address = flags.address ?? file.address ?? env.address;
  if (address === undefined) {
    throw new UsageError(
      'no Vault address: set vault.address in the config file or the VAULT_ADDR variable',
    );
  }
  return {
    address,
    tls: {
      caCert: file.tls.caCert ?? env.caCert,
      caPath: file.tls.caPath ?? env.caPath,
      clientCert: file.tls.clientCert ?? env.clientCert,
      clientKey: file.tls.clientKey ?? env.clientKey,
      serverName: file.tls.serverName ?? env.tlsServerName,
      skipVerify: file.tls.skipVerify ?? env.skipVerify ?? false,
    },
    namespace: file.namespace ?? env.namespace,
    timeoutMs: file.timeoutMs,
    retry: { ...file.retry },
  };
}
