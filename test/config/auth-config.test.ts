import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { configJsonSchema } from '../../src/config/schema.ts';
import { problemsOf } from './problems-of.ts';

const load = (yaml: string) => loadConfig(yaml, '/etc/keyturn/keyturn.yaml', '/work').auth;

describe('auth: exactly one method (SPEC §3)', () => {
  it.each([
    ['none: AppRole from the environment', '', { method: 'approle', mount: 'approle' }],
    [
      'kubernetes with the service-account token by default',
      'auth: { kubernetes: { role: app } }',
      {
        method: 'kubernetes',
        mount: 'kubernetes',
        role: 'app',
        jwt: { kind: 'file', path: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      },
    ],
    [
      'kubernetes with a relative token file, resolved against the working directory',
      'auth: { kubernetes: { mount: k8s, role: app, jwt: { file: sa/token } } }',
      { method: 'kubernetes', mount: 'k8s', jwt: { kind: 'file', path: '/work/sa/token' } },
    ],
    [
      'jwt from the environment, no role (the mount default_role)',
      'auth: { jwt: { jwt: { env: CI_JOB_JWT } } }',
      { method: 'jwt', mount: 'jwt', jwt: { kind: 'env', name: 'CI_JOB_JWT' } },
    ],
    [
      'jwt with a role and a file',
      'auth: { jwt: { mount: gha, role: ci, jwt: { file: /run/oidc } } }',
      { method: 'jwt', mount: 'gha', role: 'ci', jwt: { kind: 'file', path: '/run/oidc' } },
    ],
    [
      'token: {} reads VAULT_TOKEN',
      'auth: { token: {} }',
      { method: 'token', token: { kind: 'env', name: 'VAULT_TOKEN' } },
    ],
    [
      'token from a file',
      'auth: { token: { file: /run/secrets/vault-token } }',
      { method: 'token', token: { kind: 'file', path: '/run/secrets/vault-token' } },
    ],
  ])('%s', (_label, yaml, expected) => {
    expect(load(yaml)).toMatchObject(expected);
  });

  it.each([
    [
      'two methods',
      'auth: { approle: {}, kubernetes: { role: app } }',
      ['auth: set exactly one of approle, kubernetes, jwt, token (found approle and kubernetes)'],
    ],
    [
      'kubernetes without a role',
      'auth: { kubernetes: {} }',
      ['auth.kubernetes.role: is required'],
    ],
    ['jwt without its source', 'auth: { jwt: { role: ci } }', ['auth.jwt.jwt: is required']],
    [
      'jwt naming env and file',
      'auth: { jwt: { jwt: { env: A, file: /b } } }',
      ['auth.jwt.jwt: set exactly one of env or file'],
    ],
    [
      'token naming env and file',
      'auth: { token: { env: A, file: /b } }',
      ['auth.token: set one of env or file, not both'],
    ],
    ['an unknown method', 'auth: { github: { token: x } }', ['auth.github: unknown key']],
    [
      'a literal JWT (it expires: it must be read at each login)',
      'auth: { jwt: { jwt: eyJhbGciOi } }',
      ['auth.jwt.jwt: expected a map, got a string'],
    ],
  ])('refuses %s', (_label, yaml, problems) => {
    expect(problemsOf(yaml)).toEqual(problems);
  });

  it('tells editors that auth holds one method', () => {
    const auth = (configJsonSchema() as { properties: Record<string, Record<string, unknown>> })
      .properties.auth;
    expect(Object.keys((auth?.properties ?? {}) as object)).toEqual([
      'approle',
      'kubernetes',
      'jwt',
      'token',
    ]);
    expect(auth?.maxProperties).toBe(1);
  });
});
