import { unlink } from 'node:fs/promises';
import type { AppRoleConfig } from '../config/config-types.ts';
import { AuthError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { VaultResponseError } from '../vault/errors.ts';
import type { AuthDeps, AuthMethod, LoginStep, ReloginPlan } from './auth-method.ts';
import { type Env, readCredential } from './credential-source.ts';
import { isPlainSecretId, unwrapSecretId } from './unwrap-secret-id.ts';

/** Where a spent secret ID pointed; the renewer's environment never carries this variable. */
const SPENT_SECRET_ID = { kind: 'env', name: 'VAULT_SECRET_ID' } as const;

/** AppRole (SPEC §4): read both IDs, verify and unwrap a wrapped secret ID, log in once. */
export function appRole(config: AppRoleConfig): AuthMethod {
  return {
    name: 'approle',
    prepare: (deps) => prepare(config, deps),
    reloginPlan: async (env) => reloginPlan(config, env),
    // A secret ID from a file can be re-read for a new login (SPEC §6); any other one was
    // spent by prestart, so the detached renewer does not get it at all.
    forRenewer: () =>
      config.secretId.kind === 'file' ? config : { ...config, secretId: SPENT_SECRET_ID },
  };
}

async function prepare(config: AppRoleConfig, deps: AuthDeps): Promise<LoginStep> {
  const { env, redactor } = deps;
  const roleId = await readCredential(config.roleId, 'auth.approle.role_id', env, redactor);
  const given = await readCredential(config.secretId, 'auth.approle.secret_id', env, redactor);
  const wrapped = config.wrapped === 'auto' ? !isPlainSecretId(given) : config.wrapped;
  let secretId = given;
  if (wrapped) {
    secretId = await unwrapSecretId(deps.client, deps.retrier, deps.log, given, {
      mount: config.mount,
      expectedCreationPath: config.expectedCreationPath,
    });
    redactor.add(secretId);
  } else if (config.wrapped === 'auto') {
    deps.log.warn(
      "the secret ID is not response-wrapped: it stays readable in this container's environment " +
        'and `docker inspect`. Have the launcher wrap it (keyturn issue-secret-id does)',
    );
  }
  const source = config.secretId;
  return {
    kind: 'login',
    path: `auth/${config.mount}/login`,
    body: { role_id: roleId, secret_id: secretId },
    once: true,
    identity: {},
    refused: (error) => explainRefusal(error, wrapped),
    ...(source.kind === 'file' && source.removeAfterRead
      ? { done: () => removeSpentFile(source.path, deps.log) }
      : {}),
  };
}

/** Vault answers 400 with one text for every bad secret ID; say what usually causes it. */
function explainRefusal(error: VaultResponseError, wrapped: boolean): AuthError {
  const text = error.errors.join('; ');
  if (/CIDR/i.test(text)) {
    return new AuthError(
      "AppRole login refused: this container's address is not allowed by the CIDR binding of the role or secret ID",
      { cause: error },
    );
  }
  const refused = `AppRole login refused (${error.status}: ${text || 'no reason given'}).`;
  if (wrapped) {
    // Just unwrapped, so never used before: the role ID is what usually does not fit.
    return new AuthError(
      `${refused} The secret ID was unwrapped for this login, so it was fresh: most likely the ` +
        'role ID does not belong to its role (check VAULT_ROLE_ID / auth.approle.role_id), or ' +
        "the secret ID's TTL passed. The wrapping token is now spent: after fixing the cause, " +
        'ask the launcher for a new one',
      { cause: error },
    );
  }
  return new AuthError(
    `${refused} Likely causes: the one-time secret ID was already used (a restarted container ` +
      'cannot reuse it), its TTL passed, or the role ID does not belong to it.',
    { cause: error },
  );
}

/**
 * Whether the secret ID source can be used again when the token runs out (SPEC §6). A file
 * can: it is re-read at that moment, so a launcher may have put a fresh secret ID there. A
 * plain (unwrapped) ID from the environment or the config may allow several logins, so it
 * is tried: Vault refuses a spent one, and that refusal exits 75 like no source at all. A
 * wrapping token works once, and trying it again would only look like an interception.
 */
export function reloginPlan(config: AppRoleConfig, env: Env): ReloginPlan {
  const source = config.secretId;
  if (source.kind === 'file')
    return { possible: true, how: `the secret ID re-read from ${source.path}` };
  const value = source.kind === 'env' ? env[source.name]?.trim() : source.value;
  if (!value) {
    return { possible: false, why: 'the secret ID is no longer available to keyturn' };
  }
  const wrapped = config.wrapped === 'auto' ? !isPlainSecretId(value) : config.wrapped;
  if (wrapped) {
    return {
      possible: false,
      why: 'the secret ID came response-wrapped, and a wrapping token can be unwrapped only once',
    };
  }
  return {
    possible: true,
    how: 'the same plain secret ID (this works only if it allows more than one login)',
  };
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
