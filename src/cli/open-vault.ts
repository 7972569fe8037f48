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
  warnCleartext(settings.address, out);
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

/**
 * `http://` to anything but this machine sends the token and every secret in clear text to
 * whoever is on the path. Allowed (dev setups, a local proxy), but said at every start.
 */
function warnCleartext(address: string, out: Output): void {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return; // resolveVaultSettings reports a bad address
  }
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return;
  out.log.warn(
    { address: url.origin },
    `Vault address ${url.origin} is http:// and not on this machine: the token and every secret cross the network unencrypted; use https://`,
  );
}

/** localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
