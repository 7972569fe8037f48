import { AuthError, VaultDataError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `wrapped: auto` (SPEC §4): a UUID is a plain secret ID, anything else a wrapping token. */
export function isPlainSecretId(value: string): boolean {
  return uuid.test(value);
}

export interface UnwrapOptions {
  mount: string;
  /** Exact pin; without it any `auth/<mount>/role/<role>/secret-id` is accepted. */
  expectedCreationPath?: string;
}

const interception =
  'possible interception: the wrapping token is not valid or does not exist — it was already ' +
  'unwrapped (by someone else, or by an earlier start of this container), it expired, or it ' +
  'is not a wrapping token. Ask the launcher for a new one';

/**
 * Verifies a wrapping token before spending it (lookup does not consume it), then unwraps
 * the secret ID. Anything but a secret-id creation path is refused: a token wrapping some
 * other response means someone swapped it in.
 */
export async function unwrapSecretId(
  client: VaultClient,
  retrier: Retrier,
  log: Logger,
  wrappingToken: string,
  options: UnwrapOptions,
): Promise<string> {
  const lookup = await retrier
    .idempotent('wrapping lookup', () =>
      client.request<{ creation_path?: string }>('POST', 'sys/wrapping/lookup', {
        body: { token: wrappingToken },
      }),
    )
    .catch(refuseInvalidWrappingToken);
  const creationPath = lookup?.data?.creation_path ?? '';
  if (!creationPathAllowed(creationPath, options)) {
    throw new AuthError(
      `possible interception: the wrapping token was created by "${creationPath}", expected ` +
        `${options.expectedCreationPath ? `"${options.expectedCreationPath}"` : `auth/${options.mount}/role/<role>/secret-id`}; it was not unwrapped`,
      { details: { creationPath } },
    );
  }
  const unwrapped = await retrier
    .once('unwrap', () =>
      client.request<{ secret_id?: string }>('POST', 'sys/wrapping/unwrap', {
        token: wrappingToken,
      }),
    )
    .catch(refuseInvalidWrappingToken);
  const secretId = unwrapped?.data?.secret_id;
  if (typeof secretId !== 'string' || secretId === '') {
    throw new VaultDataError('the unwrapped response has no data.secret_id');
  }
  log.info({ creationPath }, 'secret ID unwrapped');
  return secretId;
}

function creationPathAllowed(path: string, options: UnwrapOptions): boolean {
  if (options.expectedCreationPath) return path === options.expectedCreationPath;
  const prefix = `auth/${options.mount}/role/`;
  const role = path.slice(prefix.length, -'/secret-id'.length);
  return path.startsWith(prefix) && path.endsWith('/secret-id') && ROLE_NAME.test(role);
}

/**
 * One role name as Vault allows it (framework.GenericNameRegex: word characters, `-` and `.`,
 * starting and ending with a word character): `..`, `.`, ` ` or `a%2Fb` are not role names,
 * and a creation path holding one did not come from a role's secret-id endpoint.
 */
const ROLE_NAME = /^\w(?:[\w.-]*\w)?$/;

function refuseInvalidWrappingToken(error: unknown): never {
  if (error instanceof VaultResponseError && error.status === 400) {
    throw new AuthError(interception, { cause: error });
  }
  throw error;
}
