import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.ts';
import { UsageError } from '../../src/errors/keyturn-error.ts';

function errorOf(env: Record<string, string>): UsageError {
  try {
    readEnvironment(env);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('readEnvironment', () => {
  it('returns every variable of SPEC §2 in camelCase', () => {
    expect(
      readEnvironment({
        VAULT_ADDR: 'https://vault:8200',
        VAULT_TOKEN: 'hvs.token',
        VAULT_CACERT: '/ca.pem',
        VAULT_CAPATH: '/cas',
        VAULT_CLIENT_CERT: '/c.pem',
        VAULT_CLIENT_KEY: '/k.pem',
        VAULT_TLS_SERVER_NAME: 'vault.local',
        VAULT_SKIP_VERIFY: 'false',
        VAULT_NAMESPACE: 'team',
        VAULT_ROLE_ID: 'role',
        VAULT_SECRET_ID: 'sid',
        KEYTURN_CONFIG: '/etc/keyturn.yaml',
        UNRELATED: 'x',
      }),
    ).toEqual({
      address: 'https://vault:8200',
      token: 'hvs.token',
      caCert: '/ca.pem',
      caPath: '/cas',
      clientCert: '/c.pem',
      clientKey: '/k.pem',
      tlsServerName: 'vault.local',
      skipVerify: false,
      namespace: 'team',
      roleId: 'role',
      secretId: 'sid',
      configFile: '/etc/keyturn.yaml',
    });
  });

  it('treats unset and empty variables alike, as the Vault CLI does', () => {
    const env = readEnvironment({ VAULT_ADDR: '', VAULT_SKIP_VERIFY: '' });
    expect(env.address).toBeUndefined();
    expect(env.skipVerify).toBeUndefined();
    expect(Object.values(readEnvironment({})).every((v) => v === undefined)).toBe(true);
  });

  it.each([
    ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((value) => [value, true] as const),
    ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((value) => [value, false] as const),
  ])('VAULT_SKIP_VERIFY=%s is %s (Go ParseBool)', (value, expected) => {
    expect(readEnvironment({ VAULT_SKIP_VERIFY: value }).skipVerify).toBe(expected);
  });

  it.each(['yes', 'no', 'TRUE ', 'flase', 'on', '2', 'tRUE', 'y'])(
    'VAULT_SKIP_VERIFY=%s is an error naming it',
    (value) => {
      const error = errorOf({ VAULT_SKIP_VERIFY: value });
      expect(error.message).toBe(
        `invalid environment:\n  VAULT_SKIP_VERIFY: expected a boolean as the Vault CLI reads it (1 t T TRUE true True, or 0 f F FALSE false False), got "${value}"`,
      );
      expect(error.exitCode).toBe(64);
    },
  );

  it.each(['https://vault:8200', 'http://127.0.0.1:8200', 'https://[::1]:8200/'])(
    'VAULT_ADDR=%s is valid',
    (value) => {
      expect(readEnvironment({ VAULT_ADDR: value }).address).toBe(value);
    },
  );

  it.each(['not-a-url', 'ftp://vault:21', 'vault:8200', 'unix:///run/vault.sock'])(
    'VAULT_ADDR=%s is an error naming it and the bad value',
    (value) => {
      expect(errorOf({ VAULT_ADDR: value }).message).toBe(
        `invalid environment:\n  VAULT_ADDR: expected an http:// or https:// URL, got "${value}"`,
      );
    },
  );

  it('lists every bad variable at once', () => {
    const error = errorOf({ VAULT_ADDR: 'nope', VAULT_SKIP_VERIFY: 'maybe' });
    expect(error.message.split('\n')).toEqual([
      'invalid environment:',
      '  VAULT_ADDR: expected an http:// or https:// URL, got "nope"',
      '  VAULT_SKIP_VERIFY: expected a boolean as the Vault CLI reads it (1 t T TRUE true True, or 0 f F FALSE false False), got "maybe"',
    ]);
  });

  it.each(['VAULT_TOKEN', 'VAULT_SECRET_ID', 'VAULT_ROLE_ID'])(
    '%s with a stray newline is an error naming it, never its value',
    (name) => {
      const error = errorOf({ [name]: 's3cr3t-1234-value\n' });
      expect(error.message).toBe(
        `invalid environment:\n  ${name}: expected no whitespace or control characters (value not shown)`,
      );
      expect(JSON.stringify(error.details)).not.toMatch(/s3cr3t/);
    },
  );

  it('never echoes the value of a secret variable, even when the error is about another one', () => {
    const secretId = 'wrapped-s3cr3t-token-value';
    const error = errorOf({
      VAULT_SECRET_ID: secretId,
      VAULT_TOKEN: 'hvs.s3cr3t',
      VAULT_ROLE_ID: 'r0le-s3cr3t',
      VAULT_SKIP_VERIFY: 'perhaps',
    });
    expect(error.message).not.toMatch(/s3cr3t/);
    expect(JSON.stringify(error.details)).not.toMatch(/s3cr3t/);
    expect(String(error.cause ?? '')).not.toMatch(/s3cr3t/);
  });
});
