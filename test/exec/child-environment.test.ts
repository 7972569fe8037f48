import { describe, expect, it } from 'vitest';
import type { SecretConfig } from '../../src/config/config-types.ts';
import { VaultDataError } from '../../src/errors/keyturn-error.ts';
import {
  childEnvironment,
  mappedVariables,
  variablesDiffer,
} from '../../src/exec/child-environment.ts';

const secret = (path: string, env: Record<string, string>) => ({ path, env }) as SecretConfig;

describe('the child environment', () => {
  it('maps fields to variables, as text', () => {
    const secrets = [secret('secret/a', { A: 'x', N: 'n' }), secret('secret/b', {})];
    const data = [{ data: { x: 'one', n: 3, y: 'unused' } }, { data: { z: 'z' } }];
    expect(mappedVariables(secrets, data)).toEqual({ A: 'one', N: '3' });
  });

  it('refuses a missing field with 65, naming path, field and variable but no value', () => {
    const call = () =>
      mappedVariables([secret('secret/a', { A: 'nope' })], [{ data: { x: 'v-1' } }]);
    expect(call).toThrow(VaultDataError);
    expect(call).toThrow('secret/a has no field "nope" (env: A); it has: x');
  });

  it('drops every VAULT_* variable of keyturn, keeps the rest, and lets a mapping name one', () => {
    const env = {
      PATH: '/bin',
      VAULT_SECRET_ID: 's',
      VAULT_TOKEN: 't',
      vault_addr: 'lower',
      VAULT_X: 'x',
      UNSET: undefined,
    };
    expect(childEnvironment(env, { VAULT_X: 'mapped', API: 'k' })).toEqual({
      PATH: '/bin',
      VAULT_X: 'mapped',
      API: 'k',
    });
  });

  it.each([
    [{ A: '1' }, { A: '1' }, false],
    [{ A: '1' }, { A: '2' }, true],
    [{ A: '1' }, { A: '1', B: '2' }, true],
    [{ A: '1', B: '2' }, { A: '1' }, true],
  ])('%o vs %o differ: %s', (a, b, differ) => {
    expect(variablesDiffer(a, b)).toBe(differ);
  });
});
