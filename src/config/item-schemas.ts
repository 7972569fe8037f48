import * as z from 'zod/mini';
import {
  described,
  durationField,
  envNameField,
  gidField,
  ipField,
  kvVersionField,
  modeField,
  nonEmpty,
  onChangeSchema,
  optionalKey,
  pathField,
  uidField,
} from './schema-fields.ts';

/** The schemas of one `secrets:`, `certs:` or `templates:` item (SPEC §3); see schema.ts. */

/** Keys every written file has; their absence means "inherit from defaults". */
const fileKeys = {
  mode: z.optional(modeField),
  owner: z.optional(uidField),
  group: z.optional(gidField),
  allow_insecure_dir: optionalKey(z.boolean(), 'accept a parent dir others can write'),
  on_change: z.optional(onChangeSchema),
  on_change_wait: z.optional(
    durationField(
      'quiet time before on_change runs (default 1s; at most 10x after the first change)',
    ),
  ),
};

export const secretSchema = described(
  z.strictObject({
    path: described(
      pathField,
      'Vault path, e.g. secret/app/db (KV v1 or v2) or database/creds/app',
    ),
    field: optionalKey(nonEmpty(), 'write only this field, raw'),
    to: optionalKey(pathField, 'destination file (a directory for format: files)'),
    format: optionalKey(
      z.enum(['raw', 'json', 'yaml', 'env', 'docker-env', 'files']),
      'raw (default with field) | json (default) | yaml | env | docker-env | files',
    ),
    version: optionalKey(z.int().check(z.gte(1)), 'KV v2: pin this version (default latest)'),
    name: optionalKey(
      z.string().check(
        z.regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, {
          error: 'expected a name of letters, digits, _ and -',
        }),
      ),
      'name templates use: {{secrets.<name>.<key>}}',
    ),
    env: optionalKey(
      z.record(envNameField, nonEmpty()),
      'exec mode: VARIABLE: field, put in the child environment',
    ),
    refresh: z.optional(durationField('how often a static KV secret is re-read')),
    kv_version: z.optional(kvVersionField),
    ...fileKeys,
  }),
  'one secret to fetch',
);

const renewAtError = 'expected a fraction of the lifetime between 0 and 1';

export const certSchema = described(
  z.strictObject({
    mount: described(z._default(nonEmpty(), 'pki'), 'PKI mount'),
    role: described(nonEmpty(), 'PKI role: <mount>/issue/<role>'),
    common_name: nonEmpty(),
    alt_names: z._default(z.array(nonEmpty()), []),
    ip_sans: z._default(z.array(ipField), []),
    ttl: z.optional(durationField('requested certificate lifetime (default: the role TTL)')),
    key_type: described(z._default(z.enum(['ec', 'rsa', 'ed25519']), 'ec'), 'ec is P-256'),
    cert: described(pathField, 'certificate file'),
    key: described(pathField, 'private key file (written with key_mode)'),
    key_mode: optionalKey(
      modeField,
      'mode of the key and bundle (default: mode with only the owner bits; group read allowed, nothing for others)',
    ),
    ca: optionalKey(pathField, 'issuing CA file'),
    bundle: optionalKey(pathField, 'key + cert + chain in one file'),
    renew_at: described(
      z._default(
        z.number().check(z.gt(0, { error: renewAtError }), z.lt(1, { error: renewAtError })),
        0.66,
      ),
      're-issue at this fraction of the lifetime',
    ),
    ...fileKeys,
  }),
  'one PKI certificate to issue and keep fresh',
);

export const templateSchema = described(
  z.strictObject({
    source: described(pathField, 'Mustache template file'),
    to: described(pathField, 'destination file'),
    ...fileKeys,
  }),
  'several secrets rendered into one file',
);
