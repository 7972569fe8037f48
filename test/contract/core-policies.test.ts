import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Acl } from '../vault-server/acl.ts';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';
import { parsePolicy } from '../vault-server/policy-parser.ts';

const PD = '1 error occurred:\n\t* permission denied\n\n';

function acl(hcl: string): Acl {
  return new Acl([parsePolicy(hcl)], false);
}

describe('ACL matching (Vault priority rules)', () => {
  const policy = acl(`
    # comments are ignored
    path "secret/data/app/*" { capabilities = ["read", "list"] }
    path "secret/data/app/admin" { capabilities = ["deny"] }
    path "secret/data/app/db*" { capabilities = ["read", "update"] }
    path "secret/data/+/shared" { capabilities = ["create"] }
    path "secret/metadata/app" { capabilities = ["list"] }
    path "old/*" { policy = "write" }
  `);
  it.each([
    ['secret/data/app/x', 'read', true],
    ['secret/data/app/x', 'update', false],
    ['secret/data/app/admin', 'read', false],
    ['secret/data/app/db', 'update', true],
    ['secret/data/app/db2', 'update', true],
    ['secret/data/team/shared', 'create', true],
    ['secret/data/app/shared', 'read', true],
    ['secret/data/team/other', 'read', false],
    ['secret/metadata/app/', 'list', true],
    ['old/anything', 'delete', true],
    ['elsewhere', 'read', false],
  ] as const)('%s %s → %s', (path, capability, allowed) => {
    expect(policy.allows(path, capability)).toBe(allowed);
  });

  it.each([
    ['secret/data/app/x', ['list', 'read']],
    ['secret/data/app/admin', ['deny']],
    ['nowhere', ['deny']],
  ])('capabilities of %s are %j', (path, caps) => {
    expect(policy.capabilityList(path)).toEqual(caps);
  });

  it('rejects an unknown capability with Vault text', () => {
    expect(() => parsePolicy('path "a" { capabilities = ["reed"] }')).toThrow(
      'failed to parse policy: path "a": invalid capability "reed"',
    );
  });
});

describe('policies and capabilities-self over HTTP', () => {
  let server: VaultServer;
  let token: string;
  beforeAll(async () => {
    server = await startVaultServer();
    await server.write('sys/policies/acl/app', {
      policy: 'path "secret/data/app/*" { capabilities = ["read"] }',
    });
    await server.write('sys/policy/legacy', {
      policy: 'path "secret/data/legacy" { capabilities = ["read"] }',
    });
    await server.write('secret/data/app/db', { data: { a: '1' } });
    await server.write('secret/data/other', { data: { a: '1' } });
    token = (await server.write('auth/token/create', { policies: ['app'], ttl: '1h' })).body.auth
      .client_token;
  });
  afterAll(() => server.close());

  it('reads policies back on both APIs', async () => {
    expect((await server.read('sys/policies/acl/app')).body.data).toEqual({
      name: 'app',
      policy: 'path "secret/data/app/*" { capabilities = ["read"] }',
    });
    expect((await server.read('sys/policy/legacy')).body.data.rules).toContain(
      'secret/data/legacy',
    );
    expect((await server.list('sys/policies/acl')).body.data.keys).toEqual([
      'app',
      'default',
      'legacy',
      'root',
    ]);
    expect((await server.read('sys/policies/acl/none')).body).toEqual({ errors: [] });
  });

  it('enforces ACLs: granted read works, anything else is the 1-error denial', async () => {
    expect((await server.read('secret/data/app/db', token)).status).toBe(200);
    expect((await server.read('secret/data/other', token)).body).toEqual({ errors: [PD] });
    expect((await server.write('secret/data/app/db', { data: {} }, token)).body).toEqual({
      errors: [PD],
    });
  });

  it('tells create from update with the engine existence check', async () => {
    await server.write('sys/policies/acl/creator', {
      policy: 'path "secret/data/new/*" { capabilities = ["create"] }',
    });
    const creator = (await server.write('auth/token/create', { policies: ['creator'], ttl: '1h' }))
      .body.auth.client_token;
    expect((await server.write('secret/data/new/a', { data: { v: '1' } }, creator)).status).toBe(
      200,
    );
    expect((await server.write('secret/data/new/a', { data: { v: '2' } }, creator)).status).toBe(
      403,
    );
  });

  it('answers capabilities-self for one path with the extra capabilities key', async () => {
    const res = await server.write(
      'sys/capabilities-self',
      { paths: ['secret/data/app/db'] },
      token,
    );
    expect(res.body.data).toEqual({ 'secret/data/app/db': ['read'], capabilities: ['read'] });
    expect(res.body['secret/data/app/db']).toEqual(['read']);
    expect(res.body.capabilities).toEqual(['read']);
  });

  it('answers capabilities-self for several paths without it', async () => {
    const res = await server.write(
      'sys/capabilities-self',
      { paths: ['secret/data/app/db', 'secret/data/other'] },
      token,
    );
    expect(res.body.data).toEqual({
      'secret/data/app/db': ['read'],
      'secret/data/other': ['deny'],
    });
    expect(res.body).not.toHaveProperty('capabilities');
  });

  it('answers root for the root token', async () => {
    const res = await server.write('sys/capabilities-self', { paths: ['anything'] });
    expect(res.body.data.capabilities).toEqual(['root']);
  });
});
