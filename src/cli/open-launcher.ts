import { resolve } from 'node:path';
import type { LoginResult } from '../auth/auth-method.ts';
import { revokeToken } from '../auth/revoke-token.ts';
import { configFromFlags } from '../config/config-from-flags.ts';
import type { AuthConfig, Config } from '../config/config-types.ts';
import { loadConfig } from '../config/load-config.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { LauncherCall } from '../launch/issue-secret-id.ts';
import { createRetrier } from '../vault/retrier.ts';
import { readConfigText } from './config-source.ts';
import type { CommandRun } from './context.ts';
import { logIn, VAULT_TOKEN_AUTH } from './log-in.ts';
import { openVault } from './open-vault.ts';

/** A launcher's logged-in Vault session; `close()` revokes a token it minted and closes the client. */
export interface Launcher extends LauncherCall, AsyncDisposable {
  login: LoginResult;
  /** Where the launcher's token came from, for messages. */
  source: string;
}

/**
 * The launcher's own token (SPEC §1 issue-secret-id): VAULT_TOKEN when set, else
 * `--token-file`, else a login with the `auth:` block of an explicitly given `--config` (a CI
 * job's OIDC JWT). Never `$KEYTURN_CONFIG` or a `./keyturn.yaml` found in the working
 * directory: that file is usually the application's, and spending its AppRole secret ID to
 * mint another would be both wrong and destructive.
 */
export async function openLauncher(
  { ctx, out, globals }: Pick<CommandRun<unknown>, 'ctx' | 'out' | 'globals'>,
  tokenFile: string | undefined,
): Promise<Launcher> {
  const config = await launcherConfig(globals.config, ctx.cwd);
  const { client, env } = openVault(config, ctx, out);
  const { auth, source } = launcherAuth(
    env.token !== undefined,
    tokenFile,
    globals.config,
    config,
    ctx.cwd,
  );
  const retrier = createRetrier(config.vault.retry, out.log, ctx.signal);
  let login: LoginResult;
  try {
    login = await logIn(auth, client, retrier, { ctx, out });
  } catch (error) {
    client.close();
    throw error;
  }
  const close = async () => {
    await revokeToken(client, login, out, {
      revoked: "revoked the launcher's token",
      failed: "could not revoke the launcher's token; it expires with its TTL",
    });
    client.close();
  };
  return {
    client,
    retrier,
    token: login.token,
    log: out.log,
    login,
    source,
    [Symbol.asyncDispose]: close,
  };
}

/** Vault address and TLS from the `--config` file when one is given, else the environment. */
async function launcherConfig(configFlag: string | undefined, cwd: string): Promise<Config> {
  if (configFlag === undefined) return configFromFlags({ secrets: [] }, cwd);
  const path = resolve(cwd, configFlag);
  const text = (await readConfigText(path, true)) ?? '';
  return loadConfig(text, path, cwd);
}

function launcherAuth(
  hasEnvToken: boolean,
  tokenFile: string | undefined,
  configFlag: string | undefined,
  config: Config,
  cwd: string,
): { auth: AuthConfig; source: string } {
  if (hasEnvToken) {
    return {
      auth: VAULT_TOKEN_AUTH,
      source: '$VAULT_TOKEN',
    };
  }
  if (tokenFile !== undefined) {
    const path = resolve(cwd, tokenFile);
    return {
      auth: { method: 'token', token: { kind: 'file', path, removeAfterRead: false } },
      source: path,
    };
  }
  if (configFlag !== undefined)
    return { auth: config.auth, source: `the auth: block of ${configFlag}` };
  throw new UsageError(
    "no token for the launcher: set VAULT_TOKEN, pass --token-file FILE, or pass --config FILE whose auth: block logs in (e.g. auth: { jwt: { role: ci, jwt: { env: CI_JOB_JWT } } }). A ./keyturn.yaml or $KEYTURN_CONFIG is never used for this: it is the application's",
  );
}
