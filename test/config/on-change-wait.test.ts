import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';

const load = (yaml: string) => loadConfig(yaml, '/k.yaml', '/');

describe('on_change_wait', () => {
  it('defaults to 1s, is set in defaults, and per item wins', () => {
    const config = load(`
defaults: { on_change_wait: 3s }
secrets:
  - { path: a, to: /o/a }
  - { path: b, to: /o/b, on_change_wait: 250ms }
certs:
  - { role: web, common_name: x.service.consul, cert: /o/c.pem, key: /o/k.pem, on_change_wait: 0s }
templates:
  - { source: /t, to: /o/t }
`);
    expect(config.secrets.map((s) => s.onChangeWaitMs)).toEqual([3000, 250]);
    expect(config.certs[0]?.onChangeWaitMs).toBe(0);
    expect(config.templates[0]?.onChangeWaitMs).toBe(3000);
    expect(load('secrets:\n  - { path: a, to: /o/a }\n').secrets[0]?.onChangeWaitMs).toBe(1000);
  });

  it('refuses a value that is not a duration, with file:line:column', () => {
    expect(() => load('secrets:\n  - { path: a, to: /o/a, on_change_wait: soon }\n')).toThrow(
      /k\.yaml:2:\d+.*on_change_wait/s,
    );
  });
});
