import { unlink } from 'node:fs/promises';
import type { AppRoleConfig } from '../config/config-types.ts';
import { AuthError, VaultDataError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { Redactor } from '../log/redactor.ts';
import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import { readSecretSource } from './secret-source.ts';
import { isPlainSecretId, unwrapSecretId } from './unwrap-secret-id.ts';

/** What a login gives keyturn; Vault's seconds become milliseconds here, once. */
export interface LoginResult {
  token: string;
  accessor: string;
  ttlMs: number;
  renewable: boolean;
  policies: string[];
  tokenType: string;
  /** When the token was issued, by keyturn's clock (for status and renewal). */
  issuedAtMs: number;
}

export interface LoginDeps {
  client: VaultClient;
  retrier: Retrier;
  log: Logger;
  redactor: Redactor;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
}

/** AppRole login (SPEC §4): read both IDs, unwrap when wrapped, log in, spend the file. */
export async function appRoleLogin(settings: AppRoleConfig, deps: LoginDeps): Promise<LoginResult> {
  const roleId = await readSecretSource(settings.roleId, 'auth.approle.role_id', deps.env);
  const given = await readSecretSource(settings.secretId, 'auth.approle.secret_id', deps.env);
  deps.redactor.add(roleId);
  deps.redactor.add(given);

  const secretId = await resolveSecretId(given, settings, deps);
  deps.redactor.add(secretId);

  const response = await deps.retrier
    .once('approle login', () =>
      deps.client.request('POST', `auth/${settings.mount}/login`, {
        body: { role_id: roleId, secret_id: secretId },
      }),
    )
    .catch(explainLoginRefusal);
  const auth = response?.auth;
  if (!auth?.clientToken)
    throw new VaultDataError('the AppRole login answer has no auth.client_token');
  deps.redactor.add(auth.clientToken);
  deps.log.info(
    { accessor: auth.accessor, ttl: auth.leaseDurationMs / 1000, policies: auth.policies },
    'logged in with AppRole',
  );
  if (settings.secretId.kind === 'file' && settings.secretId.removeAfterRead) {
    await removeSpentFile(settings.secretId.path, deps.log);
  }
  return {
    token: auth.clientToken,
    accessor: auth.accessor,
    ttlMs: auth.leaseDurationMs,
    renewable: auth.renewable,
    policies: auth.policies ?? [],
    tokenType: auth.tokenType ?? 'service',
    issuedAtMs: deps.now(),
  };
}

async function resolveSecretId(given: string, settings: AppRoleConfig, deps: LoginDeps) {
  const wrapped = settings.wrapped === 'auto' ? !isPlainSecretId(given) : settings.wrapped;
  if (!wrapped) {
    if (settings.wrapped === 'auto') {
      deps.log.warn(
        "the secret ID is not response-wrapped: it stays readable in this container's environment " +
          'and `docker inspect`. Have the launcher wrap it (keyturn issue-secret-id does)',
      );
    }
    return given;
  }
  return unwrapSecretId(deps.client, deps.retrier, deps.log, given, {
    mount: settings.mount,
    expectedCreationPath: settings.expectedCreationPath,
  });
}

/** Vault answers 400 with one text for every bad secret ID; say what usually causes it. */
function explainLoginRefusal(error: unknown): never {
  if (!(error instanceof VaultResponseError) || (error.status !== 400 && error.status !== 403)) {
    throw error;
  }
  const text = error.errors.join('; ');
  if (/CIDR/i.test(text)) {
    throw new AuthError(
      "AppRole login refused: this container's address is not allowed by the CIDR binding of the role or secret ID",
      { cause: error },
    );
  }
  throw new AuthError(
    `AppRole login refused (${error.status}: ${text || 'no reason given'}). Likely causes: the ` +
      'one-time secret ID was already used (a restarted container cannot reuse it), its TTL ' +
      'passed, or the role ID does not belong to it',
    { cause: error },
  );
}

async function removeSpentFile(path: string, log: Logger): Promise<void> {
  try {
    await unlink(path);
    log.info({ path }, 'removed the spent secret ID file');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A read-only mount is common (a Docker secret): warn once, never loop on it.
    log.warn({ path, code }, 'could not remove the spent secret ID file (remove_after_read)');
  }
}
