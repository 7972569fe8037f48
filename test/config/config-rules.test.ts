import { describe, expect, it } from 'vitest';
import { problemsOf } from './problems-of.ts';

const approle = (body: string) => `auth:\n  approle:\n${body.replace(/^/gm, '    ')}\n`;
const secret = (body: string) => `secrets:\n  - ${body.replace(/\n/g, '\n    ')}\n`;
const cert = (extra = '') =>
  `certs:\n  - role: web\n    common_name: a\n    cert: /c.pem\n    key: /k.pem\n${extra.replace(/^/gm, '    ')}\n`;

describe('cross-field rules', () => {
  it.each([
    // credential sources
    [
      'env and file',
      approle('secret_id: { env: S, file: /s }'),
      ['auth.approle.secret_id: set exactly one of env or file'],
    ],
    [
      'neither env nor file',
      approle('role_id: {}'),
      ['auth.approle.role_id: set exactly one of env or file'],
    ],
    [
      'remove_after_read on env',
      approle('secret_id: { env: S, remove_after_read: true }'),
      ['auth.approle.secret_id.remove_after_read: remove_after_read applies only to a file source'],
    ],
    ['remove_after_read on file', approle('secret_id: { file: /s, remove_after_read: true }'), []],
    [
      'remove_after_read on role_id',
      approle('role_id: { file: /r, remove_after_read: true }'),
      ['auth.approle.role_id.remove_after_read: unknown key'],
    ],
    // wrapping
    [
      'expected_creation_path without wrapping',
      approle('wrapped: false\nexpected_creation_path: auth/approle/role/x/secret-id'),
      [
        'auth.approle.expected_creation_path: applies only to wrapping tokens, but wrapped is false',
      ],
    ],
    [
      'expected_creation_path with auto',
      approle('expected_creation_path: auth/approle/role/x/secret-id'),
      [],
    ],
    ['expected_creation_path with true', approle('wrapped: true\nexpected_creation_path: a/b'), []],
    // on_change
    [
      'on_change with both',
      secret('path: a\nto: /a\non_change: { signal: SIGHUP, pid_file: /p, command: [x] }'),
      ['secrets[0].on_change: set either signal (with pid_file) or command'],
    ],
    [
      'on_change empty',
      secret('path: a\nto: /a\non_change: {}'),
      ['secrets[0].on_change: set either signal (with pid_file) or command'],
    ],
    [
      'signal without pid_file',
      secret('path: a\nto: /a\non_change: { signal: SIGHUP }'),
      ['secrets[0].on_change: signal needs pid_file: the file holding the pid to signal'],
    ],
    [
      'pid_file with command',
      secret('path: a\nto: /a\non_change: { command: [x], pid_file: /p }'),
      ['secrets[0].on_change.pid_file: pid_file applies only to signal'],
    ],
    [
      'timeout with signal',
      secret('path: a\nto: /a\non_change: { signal: SIGHUP, pid_file: /p, timeout: 5s }'),
      ['secrets[0].on_change.timeout: timeout applies only to command'],
    ],
    [
      'command with timeout',
      secret('path: a\nto: /a\non_change: { command: [x, -y], timeout: 5s }'),
      [],
    ],
    [
      'unknown signal',
      secret('path: a\nto: /a\non_change: { signal: SIGFOO, pid_file: /p }'),
      ['secrets[0].on_change.signal: expected a signal name like SIGHUP, got "SIGFOO"'],
    ],
    [
      'empty command',
      secret('path: a\nto: /a\non_change: { command: [] }'),
      ['secrets[0].on_change.command: must name a program'],
    ],
    // secret shapes
    [
      'raw without field',
      secret('path: a\nto: /a\nformat: raw'),
      ['secrets[0].format: format raw needs field: which one to write'],
    ],
    [
      'field with json',
      secret('path: a\nto: /a\nfield: f\nformat: json'),
      ['secrets[0].field: field applies only to format raw, not json'],
    ],
    ['field alone is raw', secret('path: a\nto: /a\nfield: f'), []],
    [
      'no to, no name',
      secret('path: a'),
      ['secrets[0]: a secret without `to` needs a name (for templates) or env (for exec)'],
    ],
    ['no to, a name', secret('path: a\nname: api'), []],
    ['no to, env', secret('path: a\nenv: { API_KEY: key }'), []],
    [
      'file path ending in /',
      secret('path: a\nto: /run/a/'),
      ['secrets[0].to: ends with / but format json writes one file'],
    ],
    ['files into a directory', secret('path: a\nto: /run/a/\nformat: files'), []],
    [
      'version on KV v1',
      secret('path: a\nto: /a\nversion: 2\nkv_version: 1'),
      ['secrets[0].version: version applies only to KV version 2'],
    ],
    [
      'version on KV v1 by default',
      `defaults: { kv_version: 1 }\n${secret('path: a\nto: /a\nversion: 2')}`,
      ['secrets[0].version: version applies only to KV version 2'],
    ],
    ['version on KV v2', secret('path: a\nto: /a\nversion: 2'), []],
    // names
    [
      'duplicate names and env variables',
      'secrets:\n  - { path: a, name: x, env: { A: k } }\n  - { path: b, name: x, env: { A: k } }\n',
      [
        'secrets[1].name: "x" is already the name of secrets[0]',
        'secrets[1].env.A: A is already set by secrets[0]',
      ],
    ],
    // private modes
    ['cert mode 0644 (the certificate is public; the key gets 0600)', cert('mode: "0644"'), []],
    ['cert inherits 0644 from defaults', `defaults: { mode: "0644" }\n${cert()}`, []],
    ['key_mode 0600', cert('mode: "0644"\nkey_mode: "0600"'), []],
    ['key_mode 0640 (group read)', cert('key_mode: "0640"'), []],
    [
      'key_mode 0644',
      cert('key_mode: "0644"'),
      [
        'certs[0].key_mode: 0644 is too wide for the private key and bundle: the owner\'s bits and group read at most (e.g. "0600" or "0640"), nothing for others',
      ],
    ],
    [
      'key_mode 0660',
      cert('key_mode: "0660"'),
      [
        'certs[0].key_mode: 0660 is too wide for the private key and bundle: the owner\'s bits and group read at most (e.g. "0600" or "0640"), nothing for others',
      ],
    ],
    [
      'token sink 0644',
      'token:\n  sink: { path: /t, mode: "0644" }\n',
      [
        'token.sink.mode: 0644 is wider than 0600: the token file must not be readable by group or others',
      ],
    ],
    ['token sink 0600', 'token:\n  sink: { path: /t, mode: "0600" }\n', []],
    // modes and fractions (schema)
    [
      'setuid mode',
      secret('path: a\nto: /a\nmode: "4755"'),
      [
        'secrets[0].mode: mode "4755" sets setuid, setgid or sticky bits, which keyturn refuses (at most "0777")',
      ],
    ],
    [
      'renew_at 1',
      cert('renew_at: 1'),
      ['certs[0].renew_at: expected a fraction of the lifetime between 0 and 1'],
    ],
    [
      'renew_at 0',
      cert('renew_at: 0'),
      ['certs[0].renew_at: expected a fraction of the lifetime between 0 and 1'],
    ],
    ['renew_at 0.8', cert('renew_at: 0.8'), []],
    // destinations
    [
      'same file twice',
      'secrets:\n  - { path: a, to: /run/x }\n  - { path: b, to: /run/./x }\ntemplates:\n  - { source: /t, to: /run/x }\n',
      [
        'secrets[1].to: /run/x is already written by secrets[0].to',
        'templates[0].to: /run/x is already written by secrets[0].to',
      ],
    ],
    [
      'cert files and token sink',
      `token:\n  sink: { path: /k.pem }\n${cert('ca: /c.pem')}`,
      [
        'certs[0].key: /k.pem is already written by token.sink.path',
        'certs[0].ca: /c.pem is already written by certs[0].cert',
      ],
    ],
    [
      'file inside a files directory',
      'secrets:\n  - { path: a, to: /run/d/, format: files }\n  - { path: b, to: /run/d/x }\n',
      ['secrets[1].to: /run/d/x is inside /run/d, which secrets[0].to fills (format files)'],
    ],
    [
      'distinct destinations',
      'secrets:\n  - { path: a, to: /run/d/, format: files }\n  - { path: b, to: /run/dx }\n',
      [],
    ],
  ])('%s', (_name, yaml, expected) => {
    expect(problemsOf(yaml)).toEqual(expected);
  });
});
