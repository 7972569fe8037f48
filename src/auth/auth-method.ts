import type { AuthConfig, AuthMethodName } from '../config/config-types.ts';
import type { AuthError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { Redactor } from '../log/redactor.ts';
import type { VaultClient } from '../vault/client.ts';
import type { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import type { Env } from './credential-source.ts';

/**
 * The seam every auth method fits (like Vault Agent's `AuthMethod`): a method only reads its
 * credentials and builds its login; authenticate.ts makes the call, parses the token and
 * registers it. Adding a method is one module here and one schema entry in config/.
 */
export interface AuthMethod {
  readonly name: AuthMethodName;
  /** Reads the credentials (registered with the redactor at once) and builds the login. */
  prepare(deps: AuthDeps): Promise<LoginStep>;
  /** Whether a new login is possible now that the token cannot be renewed (SPEC §6). */
  reloginPlan(env: Env, now: number): Promise<ReloginPlan>;
  /** The config a detached renewer may have: without a credential prestart spent. */
  forRenewer(): AuthConfig;
}

export interface AuthDeps {
  client: VaultClient;
  retrier: Retrier;
  log: Logger;
  redactor: Redactor;
  env: Env;
  now: () => number;
}

/** What a method asks Vault for: a login, or an existing token to take on as it is. */
export type LoginStep =
  | {
      kind: 'login';
      /** `auth/<mount>/login`. */
      path: string;
      body: Record<string, unknown>;
      /**
       * The login can succeed only once (a one-time secret ID): never retried once the request
       * may have been processed (SPEC §4).
       */
      once: boolean;
      /** Who logs in, logged once at info with the accessor: a role, a CI JWT's subject. */
      identity: Record<string, string>;
      /** Vault's 400/403 as a refusal that says what usually causes it (exit 77). */
      refused(error: VaultResponseError): AuthError;
      /** After a successful login (AppRole: remove a spent secret ID file). */
      done?(): Promise<void>;
    }
  | { kind: 'token'; token: string; source: string };

export type ReloginPlan = { possible: true; how: string } | { possible: false; why: string };

/** What a login gives keyturn; Vault's seconds already milliseconds. */
export interface LoginResult {
  token: string;
  accessor: string;
  ttlMs: number;
  renewable: boolean;
  policies: string[];
  tokenType: string;
  /** When the token was issued (or taken on), by keyturn's clock. */
  issuedAtMs: number;
  /**
   * keyturn minted it, so a failed run revokes it. False for a token given to keyturn
   * (`auth.token`, a CI's VAULT_TOKEN): that one is revoked only with `revoke_on_exit`.
   */
  owned: boolean;
}
