import { configFromFlags } from '../config/config-from-flags.ts';
import type { Config } from '../config/config-types.ts';
import { readEnvironment } from '../config/environment.ts';
import { loadConfig } from '../config/load-config.ts';
import { resolveVaultSettings } from '../config/resolve-vault-settings.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import { createVaultClient, type VaultClient } from '../vault/client.ts';
import { configPath, readConfigText } from './config-source.ts';
import type { CommandRun } from './context.ts';

/**
 * The config an operator command connects with: the config file when there is one (for
 * `vault:` TLS and timeout settings), else the defaults; secrets in it are not needed.
 */
export async function connectionConfig({ globals, ctx }: CommandRun<unknown>): Promise<Config> {
  const { path, explicit } = configPath(globals, ctx);
  const text = await readConfigText(path, explicit);
  return text === undefined
    ? configFromFlags({ secrets: [] }, ctx.cwd)
    : loadConfig(text, path, ctx.cwd);
}

/**
 * One Vault client per node (`--addr`, repeatable; else the config's address or VAULT_ADDR),
 * each with the same TLS settings. The operator endpoints need no token.
 */
export async function openNodes(
  run: CommandRun<unknown>,
  addresses: readonly string[],
  {
    hasAddrFlag = true,
    ...clientOptions
  }: { registerBodySecrets?: boolean; hasAddrFlag?: boolean } = {},
) {
  const config = await connectionConfig(run);
  const env = readEnvironment(run.ctx.env);
  run.out.redactor.add(env.token);
  const targets = addresses.length > 0 ? addresses : [undefined];
  const clients: VaultClient[] = targets.map((address) => {
    if (address === undefined && !config.vault.address && !env.address) {
      throw new UsageError(
        `no Vault address: ${hasAddrFlag ? 'pass --addr, or ' : ''}set VAULT_ADDR (or vault.address in the config file)`,
      );
    }
    const settings = resolveVaultSettings(config, env, address === undefined ? {} : { address });
    if (settings.tls.skipVerify)
      run.out.log.warn('TLS verification is OFF (VAULT_SKIP_VERIFY / tls.skip_verify)');
    return createVaultClient({
      address: settings.address,
      namespace: settings.namespace,
      tls: settings.tls,
      timeoutMs: settings.timeoutMs,
      redactor: run.out.redactor,
      logger: run.out.log,
      ...clientOptions,
    });
  });
  const close = () => {
    for (const client of clients) client.close();
  };
  return { config, clients, env, close };
}
