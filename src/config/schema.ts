import * as z from 'zod/mini';
import { authSchema } from './auth-schema.ts';
import { execSchema } from './exec-schema.ts';
import { certSchema, secretSchema, templateSchema } from './item-schemas.ts';
import {
  described,
  durationField,
  gidField,
  kvVersionField,
  modeField,
  nonEmpty,
  optionalKey,
  pathField,
  uidField,
} from './schema-fields.ts';

/**
 * The YAML file of SPEC §3, one strict schema: an unknown key is an error (a typo such as
 * `remove_after_reed` must not silently keep a secret ID file on disk). Cross-field rules
 * live in config-rules.ts; units and defaults become runtime values in normalize-config.ts.
 */

const tlsSchema = described(
  z.strictObject({
    ca_cert: optionalKey(pathField, 'PEM file of the CA that signed Vault (VAULT_CACERT)'),
    ca_path: optionalKey(pathField, 'directory of PEM CA files (VAULT_CAPATH)'),
    client_cert: optionalKey(pathField, 'client certificate for TLS auth (VAULT_CLIENT_CERT)'),
    client_key: optionalKey(pathField, 'key of client_cert (VAULT_CLIENT_KEY)'),
    server_name: optionalKey(nonEmpty(), 'SNI name (VAULT_TLS_SERVER_NAME)'),
    skip_verify: optionalKey(z.boolean(), 'disable TLS verification: never in production'),
  }),
  'TLS settings; each falls back to the Vault CLI variable named',
);

const retrySchema = described(
  z.prefault(
    z.strictObject({
      initial: z._default(durationField('first retry delay'), '250ms'),
      max: z._default(durationField('longest delay between retries'), '30s'),
      give_up_after: z._default(
        durationField('start-up only: exit 69 when Vault is away this long'),
        '5m',
      ),
    }),
    {},
  ),
  'backoff while Vault is unavailable',
);

const vaultSchema = described(
  z.prefault(
    z.strictObject({
      address: optionalKey(
        z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
        'Vault address, e.g. https://vault.service.consul:8200 (default $VAULT_ADDR)',
      ),
      tls: z.optional(tlsSchema),
      timeout: z._default(durationField('timeout of each request'), '10s'),
      retry: retrySchema,
      namespace: optionalKey(nonEmpty(), 'Vault Enterprise namespace (VAULT_NAMESPACE)'),
    }),
    {},
  ),
  'how to reach Vault',
);

const tokenSchema = described(
  z.strictObject({
    sink: optionalKey(
      z.strictObject({
        path: described(pathField, 'file the Vault token is written to'),
        mode: z._default(modeField, '0400'),
      }),
      'write the token to a file (never wider than 0600)',
    ),
    revoke_on_exit: described(
      z._default(z.boolean(), false),
      'revoke the token when keyturn stops',
    ),
  }),
  'what to do with the token keyturn obtains',
);

const defaultsSchema = described(
  z.strictObject({
    mode: z._default(modeField, '0400'),
    owner: z.optional(uidField),
    group: z.optional(gidField),
    refresh: z._default(durationField('how often static KV secrets are re-read'), '5m'),
    on_change_wait: z._default(
      durationField(
        'on_change runs once the files it watches were quiet this long (at most 10x after the first change)',
      ),
      '1s',
    ),
    kv_version: z.optional(kvVersionField),
    allow_insecure_dir: described(
      z._default(z.boolean(), false),
      'accept parent dirs others can write',
    ),
  }),
  'values every secret, certificate and template inherits',
);

export const configFileSchema = described(
  z.strictObject({
    vault: vaultSchema,
    auth: authSchema,
    token: z.prefault(tokenSchema, {}),
    defaults: z.prefault(defaultsSchema, {}),
    secrets: z._default(z.array(secretSchema), []),
    certs: z._default(z.array(certSchema), []),
    templates: z._default(z.array(templateSchema), []),
    exec: execSchema,
    state_dir: optionalKey(
      pathField,
      'where each config keeps its state, lock and renewer log, in a directory of its own (default $KEYTURN_STATE_DIR, else /run/keyturn as root, else $TMPDIR/keyturn-<uid>)',
    ),
  }),
  'keyturn configuration (SPEC §3)',
);

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
