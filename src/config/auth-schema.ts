import * as z from 'zod/mini';
import type { AuthConfig, AuthMethodName, CredentialSource } from './config-types.ts';
import {
  described,
  envNameField,
  nonEmpty,
  optionalKey,
  pathField,
  roleIdSource,
  secretIdSource,
  withMeta,
  wrappedField,
} from './schema-fields.ts';

/**
 * The `auth:` block (SPEC §3): one entry per method, each its schema (the file as written)
 * and how it becomes the runtime AuthConfig. A new method is one entry here and one module
 * in src/auth/.
 */

/** The service-account token kubelet mounts into every pod. */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** `{ env: NAME }` or `{ file: PATH }`: where a JWT or token is read at each login. */
const readableSource = (what: string) =>
  described(
    z.strictObject({ env: z.optional(envNameField), file: z.optional(pathField) }),
    `${what}: { env: NAME } or { file: PATH }, read at each login`,
  );

const approle = described(
  z.strictObject({
    mount: described(z._default(nonEmpty(), 'approle'), 'auth/<mount>/login'),
    role_id: z._default(roleIdSource, { env: 'VAULT_ROLE_ID' }),
    secret_id: z._default(secretIdSource, { env: 'VAULT_SECRET_ID' }),
    wrapped: wrappedField,
    expected_creation_path: optionalKey(
      nonEmpty(),
      'exact creation_path the wrapping token must have, e.g. auth/approle/role/x/secret-id',
    ),
  }),
  'AppRole login (the default auth method)',
);

const kubernetes = described(
  z.strictObject({
    mount: described(z._default(nonEmpty(), 'kubernetes'), 'auth/<mount>/login'),
    role: described(nonEmpty(), 'the Vault role bound to this service account'),
    jwt: z._default(
      described(z.strictObject({ file: pathField }), 'the service-account token file'),
      { file: SERVICE_ACCOUNT_TOKEN },
    ),
  }),
  "Kubernetes login with the pod's service-account token (re-read at each login)",
);

const jwt = described(
  z.strictObject({
    mount: described(z._default(nonEmpty(), 'jwt'), 'auth/<mount>/login'),
    role: optionalKey(nonEmpty(), "the Vault role (default: the mount's default_role)"),
    jwt: readableSource('the OIDC JWT, e.g. { env: CI_JOB_JWT }'),
  }),
  "JWT/OIDC login with a CI system's identity token",
);

/** `token: {}` reads VAULT_TOKEN. */
const token = readableSource('an existing Vault token, no login (default { env: VAULT_TOKEN })');

/** The methods, in the order messages list them. */
export const AUTH_METHODS: readonly AuthMethodName[] = ['approle', 'kubernetes', 'jwt', 'token'];

export const authSchema = withMeta(
  z.prefault(
    z.strictObject({
      approle: z.optional(approle),
      kubernetes: z.optional(kubernetes),
      jwt: z.optional(jwt),
      token: z.optional(token),
    }),
    {},
  ),
  {
    description:
      'how keyturn logs in: exactly one of approle (the default), kubernetes, jwt, token',
    // Editors flag a second method as you type; the rule in config-rules.ts says which.
    maxProperties: 1,
  },
);

export type AuthEntry = z.output<typeof authSchema>;
type SourceEntry = string | { env?: string; file?: string; remove_after_read?: boolean };

/** The method configured; none at all means AppRole from VAULT_ROLE_ID / VAULT_SECRET_ID. */
export function configuredMethods(entry: AuthEntry): AuthMethodName[] {
  return AUTH_METHODS.filter((name) => entry[name] !== undefined);
}

/** The runtime AuthConfig; the rules guarantee one method and one source key per source. */
export function normalizeAuth(entry: AuthEntry, path: (file: string) => string): AuthConfig {
  const source = (value: SourceEntry): CredentialSource => {
    if (typeof value === 'string') return { kind: 'literal', value };
    if (value.file !== undefined) {
      return { kind: 'file', path: path(value.file), removeAfterRead: !!value.remove_after_read };
    }
    return { kind: 'env', name: value.env ?? '' };
  };
  if (entry.kubernetes) {
    const { mount, role } = entry.kubernetes;
    return { method: 'kubernetes', mount, role, jwt: source(entry.kubernetes.jwt) };
  }
  if (entry.jwt) {
    const { mount, role } = entry.jwt;
    return { method: 'jwt', mount, ...(role ? { role } : {}), jwt: source(entry.jwt.jwt) };
  }
  if (entry.token) {
    const given = entry.token.env ?? entry.token.file;
    return { method: 'token', token: source(given ? entry.token : { env: 'VAULT_TOKEN' }) };
  }
  const a = approle.parse(entry.approle ?? {});
  return {
    method: 'approle',
    mount: a.mount,
    roleId: source(a.role_id),
    secretId: source(a.secret_id),
    wrapped: a.wrapped,
    ...(a.expected_creation_path ? { expectedCreationPath: a.expected_creation_path } : {}),
  };
}
