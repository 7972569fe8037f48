import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { UsageError } from '../../src/errors/keyturn-error.ts';

function errorOf(yaml: string, file = 'keyturn.yaml'): ConfigError {
  try {
    loadConfig(yaml, file, '/');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const manyProblems = `vault:
  address: ftp://vault
  timeout: 1 week
  retry: { initial: 250ms, maximum: 30s }
auth:
  approle:
    secret_id: 12345678
defaults: { mode: 0400, owner: jenkins }
secrets:
  - path: secret/a
    to: /run/a
    remove_after_reed: true
  - to: /run/b
    format: envv
  - path: secret/c
    env: { A-B: x }
    on_change:
certs:
  - role: web
    common_name: x
    cert: /a
    renew_at: 1.5
    ip_sans: [1.2.3]
`;

describe('loadConfig', () => {
  it('reports every problem at once, located as file:line:column: path: message', () => {
    const error = errorOf(manyProblems, 'conf/keyturn.yaml');
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(64);
    expect(error.problems.map(formatProblem)).toEqual([
      'conf/keyturn.yaml:2:12: vault.address: expected an http:// or https:// URL',
      'conf/keyturn.yaml:3:12: vault.timeout: expected a duration like 90s, 1h30m, 250ms, 7d or a number of seconds, got "1 week"',
      'conf/keyturn.yaml:4:28: vault.retry.maximum: unknown key',
      'conf/keyturn.yaml:7:16: auth.approle.secret_id: expected { env: NAME }, { file: PATH } or a string',
      'conf/keyturn.yaml:8:19: defaults.mode: expected a quoted octal string like "0400", got the number 400 (a YAML number is ambiguous: 0400 is 400 in YAML 1.2 but 256 in YAML 1.1)',
      'conf/keyturn.yaml:8:32: defaults.owner: expected a numeric uid (names are not looked up: use e.g. `id -u` to find it)',
      'conf/keyturn.yaml:12:5: secrets[0].remove_after_reed: unknown key',
      // A missing key points at the map that should hold it.
      'conf/keyturn.yaml:13:5: secrets[1].path: is required',
      'conf/keyturn.yaml:14:13: secrets[1].format: expected one of raw, json, yaml, env, docker-env, files',
      'conf/keyturn.yaml:16:12: secrets[2].env.A-B: expected an environment variable name (letters, digits, _)',
      'conf/keyturn.yaml:17:5: secrets[2].on_change: expected a map, got null',
      'conf/keyturn.yaml:19:5: certs[0].key: is required',
      'conf/keyturn.yaml:22:15: certs[0].renew_at: expected a fraction of the lifetime between 0 and 1',
      'conf/keyturn.yaml:23:15: certs[0].ip_sans[0]: expected an IPv4 or IPv6 address',
    ]);
    expect(error.problems[0]).toEqual({
      file: 'conf/keyturn.yaml',
      line: 2,
      column: 12,
      path: 'vault.address',
      message: 'expected an http:// or https:// URL',
    });
    expect(error.message.split('\n')[0]).toBe('invalid configuration (14 problems):');
    expect(error.message).toContain('\n  conf/keyturn.yaml:23:15: certs[0].ip_sans[0]:');
  });

  it.each([
    ['a number', 'secret_id: 9876543210', 'expected { env: NAME }, { file: PATH } or a string'],
    [
      'a list',
      'secret_id: [s3cr3t-wrapping-token]',
      'expected { env: NAME }, { file: PATH } or a string',
    ],
    ['an empty string', 'role_id: ""', 'must not be empty'],
  ])('never echoes a literal credential of the wrong type (%s)', (_name, line, why) => {
    const error = errorOf(`auth:\n  approle:\n    ${line}\n`);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.message).toBe(why);
    expect(error.message).not.toMatch(/9876543210|s3cr3t/);
  });

  it('masks a literal secret ID quoted by any other message', () => {
    const error = errorOf(
      'auth:\n  approle:\n    secret_id: 6f1c0d1e-aaaa\nvault:\n  timeout: 6f1c0d1e-aaaa\n',
    );
    expect(error.problems[0]?.path).toBe('vault.timeout');
    expect(error.message).not.toContain('6f1c0d1e-aaaa');
    expect(error.message).toContain('[REDACTED]');
  });

  it('reports YAML syntax errors with their position and stops there', () => {
    const error = errorOf('secrets:\n  - path: a\n    to: [unclosed\nvault: { timeout: nope }\n');
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems.every((p) => p.path === '')).toBe(true);
    expect(error.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('treats a duplicate key as an error and still validates the rest', () => {
    const error = errorOf('vault:\n  timeout: 5s\n  timeout: 6s\nsecrets: 7\n');
    expect(error.problems.map(formatProblem)).toEqual([
      'keyturn.yaml:3:3: duplicate key: timeout',
      'keyturn.yaml:4:10: secrets: expected a list, got a number',
    ]);
  });

  it('reports an unknown YAML tag', () => {
    const error = errorOf('vault:\n  timeout: !seconds 5\n');
    expect(error.problems[0]).toMatchObject({ line: 2, column: 12, path: '' });
    expect(error.problems[0]?.message).toContain('!seconds');
  });

  it.each([
    ['a list', '- a\n- b\n', 'keyturn.yaml:1:1: expected a map, got a list'],
    ['a string', 'hello\n', 'keyturn.yaml:1:1: expected a map, got a string'],
    [
      'an unknown top-level key',
      'secret:\n  - path: a\n',
      'keyturn.yaml:1:1: secret: unknown key (did you mean "secrets"?)',
    ],
  ])('rejects a document that is %s', (_name, yaml, expected) => {
    expect(errorOf(yaml).problems.map(formatProblem)).toEqual([expected]);
  });

  it('accepts an empty file as the all-defaults configuration', () => {
    const config = loadConfig('', 'keyturn.yaml', '/');
    expect(config.secrets).toEqual([]);
    expect(config.vault.timeoutMs).toBe(10_000);
    expect(config.auth).toMatchObject({
      method: 'approle',
      secretId: { kind: 'env', name: 'VAULT_SECRET_ID' },
    });
  });

  it('follows aliases when locating a problem', () => {
    const yaml = 'x-common: &common { mode: "0640" }\nsecrets:\n  - { path: a, to: /a }\n';
    expect(errorOf(yaml).problems.map(formatProblem)).toEqual([
      'keyturn.yaml:1:1: x-common: unknown key',
    ]);
  });

  it('applies defaults to items and lets per-item values win', () => {
    const config = loadConfig(
      [
        'defaults: { mode: "0440", owner: 1000, group: 2000, refresh: 1m, kv_version: 1, allow_insecure_dir: true }',
        'secrets:',
        '  - { path: a, to: /a }',
        '  - { path: b, to: /b, mode: "0400", owner: 0, refresh: 90, kv_version: 2, allow_insecure_dir: false }',
        'templates:',
        '  - { source: /t, to: /c }',
      ].join('\n'),
      'keyturn.yaml',
      '/',
    );
    expect(
      config.secrets.map((s) => [
        s.mode,
        s.owner,
        s.group,
        s.refreshMs,
        s.kvVersion,
        s.allowInsecureDir,
      ]),
    ).toEqual([
      [0o440, 1000, 2000, 60_000, 1, true],
      [0o400, 0, 2000, 90_000, 2, false],
    ]);
    expect(config.templates[0]).toMatchObject({ mode: 0o440, owner: 1000, group: 2000 });
  });

  it('normalises credential sources and on_change into discriminated unions', () => {
    const config = loadConfig(
      [
        'auth:',
        '  approle:',
        '    mount: ci',
        '    role_id: 1b2c-role',
        '    secret_id: { file: /run/sid, remove_after_read: true }',
        '    wrapped: true',
        'secrets:',
        '  - { path: a, to: /a, on_change: { command: [nginx, -s, reload], timeout: 5s } }',
        '  - { path: b, to: /b, on_change: { signal: SIGUSR1, pid_file: /run/app.pid } }',
      ].join('\n'),
      'keyturn.yaml',
      '/',
    );
    expect(config.auth).toEqual({
      method: 'approle',
      mount: 'ci',
      roleId: { kind: 'literal', value: '1b2c-role' },
      secretId: { kind: 'file', path: '/run/sid', removeAfterRead: true },
      wrapped: true,
    });
    expect(config.secrets.map((s) => s.onChange)).toEqual([
      { kind: 'command', argv: ['nginx', '-s', 'reload'], timeoutMs: 5000 },
      { kind: 'signal', signal: 'SIGUSR1', pidFile: '/run/app.pid' },
    ]);
  });
});

describe('the SPEC §3 example', () => {
  const text = readFileSync(new URL('./fixtures/spec-example.yaml', import.meta.url), 'utf8');
  const config = loadConfig(text, 'spec-example.yaml', '/');

  it('loads the vault, auth and token sections', () => {
    expect(config.vault).toEqual({
      address: 'https://vault.service.consul:8200',
      tls: { caCert: '/etc/keyturn/ca.pem' },
      timeoutMs: 10_000,
      retry: { initialMs: 250, maxMs: 30_000, giveUpAfterMs: 300_000 },
    });
    expect(config.auth).toEqual({
      method: 'approle',
      mount: 'approle',
      roleId: { kind: 'env', name: 'VAULT_ROLE_ID' },
      secretId: { kind: 'env', name: 'VAULT_SECRET_ID' },
      wrapped: 'auto',
      expectedCreationPath: 'auth/approle/role/jenkins/secret-id',
    });
    expect(config.token).toEqual({
      sink: { path: '/run/secrets/vault-token', mode: 0o400 },
      revokeOnExit: false,
    });
  });

  it('loads the secrets with defaults applied', () => {
    const common = {
      owner: 1000,
      group: 1000,
      refreshMs: 300_000,
      kvVersion: 2,
      allowInsecureDir: false,
      onChangeWaitMs: 1000,
    };
    expect(config.secrets).toEqual([
      {
        ...common,
        path: 'secret/jenkins/triton_cert',
        field: 'value',
        to: '/var/jenkins_home/.ssh/triton',
        format: 'raw',
        mode: 0o400,
        env: {},
      },
      {
        ...common,
        path: 'secret/app/db',
        format: 'env',
        to: '/run/secrets/db.env',
        mode: 0o440,
        version: 3,
        env: {},
      },
      {
        ...common,
        path: 'secret/app/tls-extra',
        format: 'files',
        to: '/run/secrets/tls-extra',
        mode: 0o400,
        env: {},
      },
      {
        ...common,
        path: 'database/creds/app',
        format: 'json',
        to: '/run/secrets/db.json',
        mode: 0o400,
        env: {},
        onChange: { kind: 'signal', signal: 'SIGHUP', pidFile: '/run/app.pid' },
      },
      {
        ...common,
        path: 'secret/app/api',
        name: 'api',
        format: 'json',
        mode: 0o400,
        env: { API_KEY: 'key' },
      },
    ]);
  });

  it('loads the certificate and the template', () => {
    expect(config.certs).toEqual([
      {
        mount: 'pki',
        role: 'web',
        commonName: 'app.service.consul',
        altNames: ['app'],
        ipSans: ['127.0.0.1'],
        ttlMs: 72 * 3_600_000,
        keyType: 'ec',
        cert: '/run/tls/cert.pem',
        key: '/run/tls/key.pem',
        keyMode: 0o600,
        ca: '/run/tls/ca.pem',
        bundle: '/run/tls/bundle.pem',
        renewAt: 0.66,
        mode: 0o400,
        owner: 1000,
        group: 1000,
        allowInsecureDir: false,
        onChangeWaitMs: 1000,
        onChange: { kind: 'command', argv: ['nginx', '-s', 'reload'], timeoutMs: 30_000 },
      },
    ]);
    expect(config.templates).toEqual([
      {
        source: '/etc/app/config.tmpl',
        to: '/etc/app/config.ini',
        mode: 0o400,
        owner: 1000,
        group: 1000,
        allowInsecureDir: false,
        onChangeWaitMs: 1000,
      },
    ]);
  });
});
