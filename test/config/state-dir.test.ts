import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configJsonSchema } from '../../src/config/schema.ts';

describe('state_dir', () => {
  it('resolves a relative state_dir against the working directory, once', () => {
    expect(loadConfig('state_dir: st\n', '/k.yaml', '/work').stateDir).toBe('/work/st');
  });

  it('is optional, and kept as given when set', () => {
    expect(loadConfig('secrets: []\n', '/k.yaml', '/').stateDir).toBeUndefined();
    expect(loadConfig('state_dir: /var/lib/keyturn\n', '/k.yaml', '/').stateDir).toBe(
      '/var/lib/keyturn',
    );
  });

  it('refuses an empty or non-string value with file:line:column', () => {
    expect(() => loadConfig('state_dir: ""\n', '/k.yaml', '/')).toThrow(
      /k\.yaml:1:\d+.*state_dir/s,
    );
    expect(() => loadConfig('state_dir: 3\n', '/k.yaml', '/')).toThrow(/state_dir/);
  });

  it('is described in the JSON Schema', () => {
    const properties = (
      configJsonSchema() as { properties: Record<string, { description?: string }> }
    ).properties;
    expect(properties.state_dir?.description).toMatch(/each config keeps its state/);
  });
});
