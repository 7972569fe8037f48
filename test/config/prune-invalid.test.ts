import { describe, expect, it } from 'vitest';
import type { ConfigPath } from '../../src/config/config-path.ts';
import { overlaps, pruneInvalid } from '../../src/config/prune-invalid.ts';
import { problemsOf } from './problems-of.ts';

describe('pruneInvalid', () => {
  const data = { vault: { timeout: 'x', retry: {} }, secrets: [{ path: 'a', mode: '0999' }] };

  it.each<[string, ConfigPath[], unknown]>([
    ['nothing to prune', [], data],
    ['a map value', [['vault', 'timeout']], { vault: { retry: {} }, secrets: data.secrets }],
    [
      'a value inside a list item',
      [['secrets', 0, 'mode']],
      { vault: data.vault, secrets: [{ path: 'a' }] },
    ],
    ['a list item itself (indexes would shift)', [['secrets', 0]], undefined],
    ['the document', [[]], undefined],
    ['a key that is missing (required)', [['vault', 'address']], undefined],
  ])('%s', (_label, paths, expected) => {
    expect(pruneInvalid(data, paths)).toEqual(expected);
    expect(data.vault.timeout).toBe('x');
  });

  it.each<[ConfigPath, ConfigPath, boolean]>([
    [['secrets', 0], ['secrets', 0, 'mode'], true],
    [['secrets', 0, 'mode'], ['secrets', 0], true],
    [['secrets', 0], ['secrets', 1, 'to'], false],
    [[], ['vault'], true],
  ])('overlaps(%j, %j) is %s', (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
  });
});

describe('loadConfig reports schema and cross-field problems together', () => {
  it('lists a bad duration, an unknown key and a duplicate destination in one run', () => {
    expect(
      problemsOf(`vault: { timeout: soon }
colour: blue
secrets:
  - { path: a, to: /run/a }
  - { path: b, to: /run/a }
`),
    ).toEqual([
      expect.stringMatching(/^vault\.timeout: expected a duration/),
      'colour: unknown key',
      'secrets[1].to: /run/a is already written by secrets[0].to',
    ]);
  });

  it('drops what a rule says about a map that lost an invalid value', () => {
    // The bad signal is pruned; "pid_file applies only to signal" would be noise.
    expect(
      problemsOf(
        'secrets:\n  - { path: a, to: /a, on_change: { signal: SIGFOO, pid_file: /p } }\n',
      ),
    ).toEqual(['secrets[0].on_change.signal: expected a signal name like SIGHUP, got "SIGFOO"']);
  });
});
