import { z } from 'zod';
import {
  durationField,
  envNameField,
  gidField,
  ipField,
  kvVersionField,
  modeField,
  onChangeSchema,
  pathField,
  roleIdSource,
  secretIdSource,
  uidField,
  wrappedField,
} from './schema-fields.ts';

/**
 * The YAML file of SPEC §3, one strict schema: an unknown key is an error (a typo such as
 * `remove_after_reed` must not silently keep a secret ID file on disk). Cross-field rules
 * live in config-rules.ts; units and defaults become runtime values in normalize-config.ts.
 */

const tlsSchema = z
  .strictObject({
    ca_cert: pathField.optional().describe('PEM file of the CA that signed Vault (VAULT_CACERT)'),
    ca_path: pathField.optional().describe('directory of PEM CA files (VAULT_CAPATH)'),
    client_cert: pathField
      .optional()
      .describe('client certificate for TLS auth (VAULT_CLIENT_CERT)'),
    client_key: pathField.optional().describe('key of client_cert (VAULT_CLIENT_KEY)'),
    server_name: z.string().min(1).optional().describe('SNI name (VAULT_TLS_SERVER_NAME)'),
    skip_verify: z.boolean().optional().describe('disable TLS verification: never in production'),
  })
  .describe('TLS settings; each falls back to the Vault CLI variable named');

const vaultSchema = z
  .strictObject({
    address: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .optional()
      .describe('Vault address, e.g. https://vault.service.consul:8200 (default $VAULT_ADDR)'),
    tls: tlsSchema.optional(),
    timeout: durationField('timeout of each request').default('10s'),
    retry: z
      .strictObject({
        initial: durationField('first retry delay').default('250ms'),
        max: durationField('longest delay between retries').default('30s'),
        give_up_after: durationField('start-up only: exit 69 when Vault is away this long').default(
          '5m',
        ),
      })
      .prefault({})
      .describe('backoff while Vault is unavailable'),
    namespace: z
      .string()
      .min(1)
      .optional()
      .describe('Vault Enterprise namespace (VAULT_NAMESPACE)'),
  })
  .prefault({})
  .describe('how to reach Vault');

const approleSchema = z
  .strictObject({
    mount: z.string().min(1).default('approle').describe('auth/<mount>/login'),
    role_id: roleIdSource.default({ env: 'VAULT_ROLE_ID' }),
    secret_id: secretIdSource.default({ env: 'VAULT_SECRET_ID' }),
    wrapped: wrappedField,
    expected_creation_path: z
      .string()
      .min(1)
      .optional()
      .describe(
        'exact creation_path the wrapping token must have, e.g. auth/approle/role/x/secret-id',
      ),
  })
  .describe('AppRole login (the default auth method)');

const tokenSchema = z
  .strictObject({
    sink: z
      .strictObject({
        path: pathField.describe('file the Vault token is written to'),
        mode: modeField.default('0400'),
      })
      .optional()
      .describe('write the token to a file (never wider than 0600)'),
    revoke_on_exit: z.boolean().default(false).describe('revoke the token when keyturn stops'),
  })
  .describe('what to do with the token keyturn obtains');

const defaultsSchema = z
  .strictObject({
    mode: modeField.default('0400'),
    owner: uidField.optional(),
    group: gidField.optional(),
    refresh: durationField('how often static KV secrets are re-read').default('5m'),
    kv_version: kvVersionField.optional(),
    allow_insecure_dir: z.boolean().default(false).describe('accept parent dirs others can write'),
  })
  .describe('values every secret, certificate and template inherits');

/** Keys every written file has; their absence means "inherit from defaults". */
const fileKeys = {
  mode: modeField.optional(),
  owner: uidField.optional(),
  group: gidField.optional(),
  allow_insecure_dir: z.boolean().optional().describe('accept a parent dir others can write'),
  on_change: onChangeSchema.optional(),
};

const secretSchema = z
  .strictObject({
    path: pathField.describe('Vault path, e.g. secret/app/db (KV v1 or v2) or database/creds/app'),
    field: z.string().min(1).optional().describe('write only this field, raw'),
    to: pathField.optional().describe('destination file (a directory for format: files)'),
    format: z
      .enum(['raw', 'json', 'yaml', 'env', 'docker-env', 'files'])
      .optional()
      .describe('raw (default with field) | json (default) | yaml | env | docker-env | files'),
    version: z.int().min(1).optional().describe('KV v2: pin this version (default latest)'),
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { error: 'expected a name of letters, digits, _ and -' })
      .optional()
      .describe('name templates use: {{secrets.<name>.<key>}}'),
    env: z
      .record(envNameField, z.string().min(1))
      .optional()
      .describe('exec mode: VARIABLE: field, put in the child environment'),
    refresh: durationField('how often a static KV secret is re-read').optional(),
    kv_version: kvVersionField.optional(),
    ...fileKeys,
  })
  .describe('one secret to fetch');

const certSchema = z
  .strictObject({
    mount: z.string().min(1).default('pki').describe('PKI mount'),
    role: z.string().min(1).describe('PKI role: <mount>/issue/<role>'),
    common_name: z.string().min(1),
    alt_names: z.array(z.string().min(1)).default([]),
    ip_sans: z.array(ipField).default([]),
    ttl: durationField('requested certificate lifetime (default: the role TTL)').optional(),
    key_type: z.enum(['ec', 'rsa', 'ed25519']).default('ec').describe('ec is P-256'),
    cert: pathField.describe('certificate file'),
    key: pathField.describe('private key file (never wider than 0600)'),
    ca: pathField.optional().describe('issuing CA file'),
    bundle: pathField.optional().describe('key + cert + chain in one file'),
    renew_at: z
      .number()
      .gt(0, { error: 'expected a fraction of the lifetime between 0 and 1' })
      .lt(1, { error: 'expected a fraction of the lifetime between 0 and 1' })
      .default(0.66)
      .describe('re-issue at this fraction of the lifetime'),
    ...fileKeys,
  })
  .describe('one PKI certificate to issue and keep fresh');

const templateSchema = z
  .strictObject({
    source: pathField.describe('Mustache template file'),
    to: pathField.describe('destination file'),
    ...fileKeys,
  })
  .describe('several secrets rendered into one file');

export const configFileSchema = z
  .strictObject({
    vault: vaultSchema,
    auth: z
      .strictObject({ approle: approleSchema.prefault({}) })
      .prefault({})
      .describe('how keyturn logs in'),
    token: tokenSchema.prefault({}),
    defaults: defaultsSchema.prefault({}),
    secrets: z.array(secretSchema).default([]),
    certs: z.array(certSchema).default([]),
    templates: z.array(templateSchema).default([]),
  })
  .describe('keyturn configuration (SPEC §3)');

/** The file as written (what editors complete). */
export type ConfigFileInput = z.input<typeof configFileSchema>;
/** The file after schema defaults: still file-shaped (snake_case, strings for durations and modes). */
export type ConfigFile = z.output<typeof configFileSchema>;
export type SecretEntry = ConfigFile['secrets'][number];
export type CertEntry = ConfigFile['certs'][number];
export type TemplateEntry = ConfigFile['templates'][number];
export type OnChangeEntry = NonNullable<SecretEntry['on_change']>;

/** The JSON Schema of the config file, for `keyturn config schema` and editors. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' });
  return { ...schema, title: 'keyturn configuration' };
}
