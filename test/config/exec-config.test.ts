import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { execOnlySecrets, refuseExecOnlySecrets } from '../../src/config/exec-only-secrets.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { UsageError } from '../../src/errors/keyturn-error.ts';

function problemsOf(yaml: string): string[] {
  try {
    loadConfig(yaml, 'keyturn.yaml', '/');
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n').slice(1);
    throw error;
  }
  return [];
}

describe('the exec: block', () => {
  it('defaults to restart, SIGHUP, SIGTERM, 30s and a 1s quiet window', () => {
    expect(loadConfig('', 'keyturn.yaml', '/').exec).toEqual({
      onChange: 'restart',
      signal: 'SIGHUP',
      stopSignal: 'SIGTERM',
      stopTimeoutMs: 30_000,
      onChangeWaitMs: 1000,
    });
  });

  it('takes its quiet window from defaults.on_change_wait unless it has its own', () => {
    expect(loadConfig('defaults: { on_change_wait: 3s }', 'k.yaml', '/').exec.onChangeWaitMs).toBe(
      3000,
    );
    const own = 'defaults: { on_change_wait: 3s }\nexec: { on_change_wait: 200ms }';
    expect(loadConfig(own, 'k.yaml', '/').exec.onChangeWaitMs).toBe(200);
  });

  it('reads every key', () => {
    const yaml = `exec: { on_change: signal, signal: SIGUSR1, stop_signal: SIGINT, stop_timeout: 5s, on_change_wait: 250ms }`;
    expect(loadConfig(yaml, 'keyturn.yaml', '/').exec).toEqual({
      onChange: 'signal',
      signal: 'SIGUSR1',
      stopSignal: 'SIGINT',
      stopTimeoutMs: 5000,
      onChangeWaitMs: 250,
    });
  });

  it.each([
    ['exec: { on_change: reload }', 'exec.on_change'],
    ['exec: { stop_signal: TERM }', 'expected a signal name like SIGHUP, got "TERM"'],
    ['exec: { stop_timeout: soon }', 'exec.stop_timeout'],
    [
      'exec: { signal: SIGUSR1 }',
      'exec.signal: applies only to on_change: signal (on_change is restart)',
    ],
    ['exec: { restart: true }', 'restart'],
  ])('refuses %s', (yaml, expected) => {
    const problems = problemsOf(yaml);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });
});

describe('exec-only secrets', () => {
  const yaml = `
secrets:
  - { path: secret/app/api, env: { API_KEY: key } }
  - { path: secret/app/db, to: /run/db.json, env: { DB: password } }
  - { path: secret/app/tpl, name: tpl, env: { TPL: x } }
`;

  it('are the secrets only env: uses (no file, no template that could read them)', () => {
    const config = loadConfig(yaml, 'keyturn.yaml', '/');
    expect(execOnlySecrets(config)).toEqual([
      { index: 0, path: 'secret/app/api' },
      { index: 2, path: 'secret/app/tpl' },
    ]);
    const withTemplate = loadConfig(
      `${yaml}templates:\n  - { source: /t.tmpl, to: /t.ini }\n`,
      'keyturn.yaml',
      '/',
    );
    expect(execOnlySecrets(withTemplate)).toEqual([{ index: 0, path: 'secret/app/api' }]);
  });

  it('are refused (64) outside exec, each named', () => {
    const config = loadConfig(yaml, 'keyturn.yaml', '/');
    expect(() => refuseExecOnlySecrets(config, 'agent')).toThrow(UsageError);
    expect(() => refuseExecOnlySecrets(config, 'agent')).toThrow(
      /agent: .*\n {2}secrets\[0\] \(secret\/app\/api\).*\n {2}secrets\[2\] \(secret\/app\/tpl\)/,
    );
  });
});
