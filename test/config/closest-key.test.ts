import { describe, expect, it } from 'vitest';
import { closestKey, editDistance } from '../../src/config/closest-key.ts';
import { loadConfig } from '../../src/config/load-config.ts';

describe('did you mean', () => {
  it.each([
    ['', '', 0],
    ['mode', 'mdoe', 1],
    ['on_change', 'on_chnage', 1],
    ['secrets', 'secret', 1],
    ['kitten', 'sitting', 3],
  ])('editDistance(%s, %s) = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it.each([
    ['secret', ['secrets', 'certs', 'templates'], 'secrets'],
    ['give_up_afer', ['initial', 'max', 'give_up_after'], 'give_up_after'],
    ['Mode', ['mode', 'owner'], 'mode'],
    ['colour', ['mount', 'role_id', 'secret_id'], undefined],
    ['x', ['a', 'b'], undefined], // a tie: no guess
    ['tls', ['ttl', 'tls'], 'tls'],
  ])('closestKey(%s) → %s', (typo, known, expected) => {
    expect(closestKey(typo, known)).toBe(expected);
  });

  it.each([
    ['secret:\n  - { path: a, to: /a }\n', 'secret: unknown key (did you mean "secrets"?)'],
    [
      'vault: { retry: { give_up_afer: 5s } }\n',
      'give_up_afer: unknown key (did you mean "give_up_after"?)',
    ],
    [
      'secrets:\n  - { path: a, to: /a, on_chnage: { command: [x] } }\n',
      'secrets[0].on_chnage: unknown key (did you mean "on_change"?)',
    ],
    [
      'certs:\n  - { role: w, common_name: a, cert: /c, key: /k, keymode: "0600" }\n',
      'certs[0].keymode: unknown key (did you mean "key_mode"?)',
    ],
    [
      'auth: { approle: { secretid: { env: X } } }\n',
      'auth.approle.secretid: unknown key (did you mean "secret_id"?)',
    ],
  ])('a typo in the file gets a suggestion: %j', (yaml, message) => {
    expect(() => loadConfig(yaml, '/k.yaml', '/')).toThrow(message);
  });

  it('a key close to nothing stays a plain "unknown key"', () => {
    expect(() => loadConfig('auth: { approle: { colour: blue } }\n', '/k.yaml', '/')).toThrow(
      /auth\.approle\.colour: unknown key$/m,
    );
  });
});
