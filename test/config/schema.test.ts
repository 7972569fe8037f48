import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/schema.ts';

type JsonSchema = {
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: unknown;
  default?: unknown;
  pattern?: string;
  anyOf?: JsonSchema[];
};

/** Every object schema in the tree, with its dotted location. */
function objects(schema: JsonSchema, at = '(root)'): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = schema.properties ? [[at, schema]] : [];
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    found.push(...objects(child, `${at}.${key}`));
  if (schema.items) found.push(...objects(schema.items, `${at}[]`));
  for (const option of schema.anyOf ?? []) found.push(...objects(option, at));
  return found;
}

describe('configJsonSchema', () => {
  const schema = configJsonSchema() as JsonSchema & { $schema: string; title: string };
  const props = schema.properties ?? {};

  it('is a draft 2020-12 schema of every top-level section', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('keyturn configuration');
    expect(Object.keys(props)).toEqual([
      'vault',
      'auth',
      'token',
      'defaults',
      'secrets',
      'certs',
      'templates',
      'exec',
      'state_dir',
    ]);
  });

  it('refuses unknown keys in every object', () => {
    const all = objects(schema);
    expect(all.length).toBeGreaterThan(10);
    for (const [at, object] of all) expect([at, object.additionalProperties]).toEqual([at, false]);
  });

  it('carries descriptions, defaults and patterns for editors', () => {
    const vault = props.vault?.properties ?? {};
    expect(vault.address?.description).toContain('VAULT_ADDR');
    expect(vault.timeout).toMatchObject({ default: '10s', description: 'timeout of each request' });
    expect(new RegExp(vault.timeout?.pattern ?? '^$').test('1h30m')).toBe(true);
    expect(new RegExp(vault.timeout?.pattern ?? '^$').test('1 week')).toBe(false);
    const cert = props.certs?.items?.properties ?? {};
    expect(cert.renew_at?.default).toBe(0.66);
    expect(cert.key?.description).toContain('key_mode');
    const defaults = props.defaults?.properties ?? {};
    expect(defaults.mode).toMatchObject({ default: '0400', pattern: '^[0-7]{3,4}$' });
    expect(props.secrets?.items?.properties?.format?.description).toContain('docker-env');
  });
});
