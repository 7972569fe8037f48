import { describe, expect, it } from 'vitest';
import { configFromFlags, parseSecretFlag } from '../../src/config/config-from-flags.ts';
import { UsageError } from '../../src/errors/keyturn-error.ts';

describe('parseSecretFlag', () => {
  it.each([
    [
      'secret/app/db=/run/secrets/db:password',
      { path: 'secret/app/db', to: '/run/secrets/db', field: 'password' },
    ],
    ['secret/app/db=/run/secrets/db', { path: 'secret/app/db', to: '/run/secrets/db' }],
    // The text after the last ':' holds a '/': part of the file name, not a field.
    ['secret/a=/run/a:b/c', { path: 'secret/a', to: '/run/a:b/c' }],
    ['secret/a=/run/a:b/c:key', { path: 'secret/a', to: '/run/a:b/c', field: 'key' }],
    ['secret/a=/run/a:', { path: 'secret/a', to: '/run/a:' }],
    ['secret/a=db:password', { path: 'secret/a', to: 'db', field: 'password' }],
    ['kv/a=b=/run/x', { path: 'kv/a', to: 'b=/run/x' }],
  ])('%s', (flag, expected) => {
    expect(parseSecretFlag(flag)).toEqual(expected);
  });

  it.each([
    ['secret/app/db', 'expected PATH=FILE[:FIELD]'],
    ['=/run/x', 'expected PATH=FILE[:FIELD]'],
    ['secret/a=', 'FILE is missing'],
  ])('%s is refused', (flag, why) => {
    expect(parseSecretFlag(flag)).toContain(why);
  });
});

describe('configFromFlags', () => {
  it('builds a config of raw fields and json secrets with the defaults', () => {
    const config = configFromFlags(
      {
        secrets: ['secret/app/db=/run/secrets/db:password', 'secret/app/api=/run/secrets/api.json'],
        address: 'https://vault:8200',
      },
      '/',
    );
    expect(config.vault.address).toBe('https://vault:8200');
    expect(config.vault.timeoutMs).toBe(10_000);
    expect(config.auth.method === 'approle' && config.auth.secretId).toEqual({
      kind: 'env',
      name: 'VAULT_SECRET_ID',
    });
    expect(config.secrets).toEqual([
      {
        path: 'secret/app/db',
        to: '/run/secrets/db',
        field: 'password',
        format: 'raw',
        mode: 0o400,
        refreshMs: 300_000,
        allowInsecureDir: false,
        onChangeWaitMs: 1000,
        env: {},
      },
      {
        path: 'secret/app/api',
        to: '/run/secrets/api.json',
        format: 'json',
        mode: 0o400,
        refreshMs: 300_000,
        allowInsecureDir: false,
        onChangeWaitMs: 1000,
        env: {},
      },
    ]);
  });

  it.each([
    [
      ['secret/a'],
      '--secret secret/a: expected PATH=FILE[:FIELD], e.g. secret/app/db=/run/secrets/db:password',
    ],
    [
      ['secret/a=/x', 'secret/b=/x:f'],
      '--secret secret/b=/x:f (to): /x is already written by --secret secret/a=/x',
    ],
    [['secret/a=/x/'], '--secret secret/a=/x/ (to): ends with / but format json writes one file'],
  ])('%j is refused naming the flag and its value', (secrets, line) => {
    expect(() => configFromFlags({ secrets }, '/')).toThrow(UsageError);
    expect(() => configFromFlags({ secrets }, '/')).toThrow(`invalid flags:\n  ${line}`);
  });

  it('reports every bad flag at once', () => {
    expect(() => configFromFlags({ secrets: ['a', 'b=', 'c=/ok'] }, '/')).toThrow(
      'invalid flags:\n  --secret a: expected PATH=FILE[:FIELD], e.g. secret/app/db=/run/secrets/db:password\n  --secret b=: FILE is missing: expected PATH=FILE[:FIELD]',
    );
  });

  it('refuses an address that is not an http(s) URL, naming it', () => {
    expect(() => configFromFlags({ secrets: [], address: 'vault:8200' }, '/')).toThrow(
      'Vault address vault:8200: expected an http:// or https:// URL',
    );
  });
});
