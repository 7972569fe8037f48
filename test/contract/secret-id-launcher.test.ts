import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Acl } from '../vault-server/acl.ts';
import { createSecretId, login, setupAppRole } from '../vault-server/approle-fixture.ts';
import { startVaultServer, type VaultServer } from '../vault-server/index.ts';
import { parsePolicy } from '../vault-server/policy-parser.ts';

/*
 * What a trusted launcher (CI) relies on (WIRE §1 secret-id rows; vault/acl.go AllowOperation,
 * vault/policy.go, builtin/credential/approle/path_role.go): a policy's min/max_wrapping_ttl
 * refuse unwrapped requests and TTLs outside the bounds with a plain permission denied.
 */

const PD = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };
const CI_POLICY = `
path "auth/approle/role/+/secret-id" {
  capabilities = ["update"]
  min_wrapping_ttl = "10s"
  max_wrapping_ttl = "5m"
}`;

describe('wrapping bounds in policies (vault/policy.go, vault/acl.go)', () => {
  it('parses both bounds as durations or seconds and refuses max below min', () => {
    const [rule] = parsePolicy(CI_POLICY);
    expect(rule).toMatchObject({ minWrappingTtl: 10, maxWrappingTtl: 300 });
    expect(
      parsePolicy('path "a" { capabilities = ["read"] max_wrapping_ttl = 90 }')[0],
    ).toMatchObject({
      minWrappingTtl: 0,
      maxWrappingTtl: 90,
    });
    expect(() =>
      parsePolicy('path "a" { policy = "read"\n min_wrapping_ttl = 400\n max_wrapping_ttl = 200 }'),
    ).toThrow('failed to parse policy: max_wrapping_ttl cannot be less than min_wrapping_ttl');
  });

  it.each([
    [0, false, 'no wrapping asked'],
    [5, false, 'below min'],
    [10, true, 'at min'],
    [120, true, 'inside'],
    [300, true, 'at max'],
    [301, false, 'above max'],
  ])('wrap TTL %i s → %s (%s)', (ttl, allowed) => {
    const acl = new Acl([parsePolicy(CI_POLICY)], false);
    expect(acl.allows('auth/approle/role/app/secret-id', 'update', false, ttl)).toBe(allowed);
  });

  it('merges two policies on one path by taking the lesser of each set bound', () => {
    const acl = new Acl(
      [
        parsePolicy('path "p" { capabilities = ["update"] max_wrapping_ttl = "10m" }'),
        parsePolicy('path "p" { capabilities = ["update"] max_wrapping_ttl = "1m" }'),
      ],
      false,
    );
    expect(acl.allows('p', 'update', false, 60)).toBe(true);
    expect(acl.allows('p', 'update', false, 61)).toBe(false);
    // Capabilities alone do not care about wrapping.
    expect(
      new Acl([parsePolicy('path "p" { capabilities = ["update"] }')], false).allows('p', 'update'),
    ).toBe(true);
  });
});

describe('a CI token creating wrapped secret IDs over HTTP', () => {
  let server: VaultServer;
  let ciToken: string;
  beforeEach(async () => {
    server = await startVaultServer();
    await setupAppRole(server, { policies: { ci: CI_POLICY } });
    const created = await server.write('auth/token/create', { policies: ['ci'] });
    ciToken = created.body.auth.client_token;
  });
  afterEach(() => server.close());

  const issue = (role: string, wrapTtl?: string, body: Record<string, unknown> = {}) =>
    server.request('POST', `auth/approle/role/${role}/secret-id`, {
      token: ciToken,
      body,
      ...(wrapTtl ? { headers: { 'X-Vault-Wrap-TTL': wrapTtl } } : {}),
    });

  it('answers 200 with only wrap_info inside the bounds, 403 permission denied outside them', async () => {
    const ok = await issue('app', '120s');
    expect(ok.status).toBe(200);
    expect(ok.body.data).toBeNull();
    expect(ok.body.wrap_info).toMatchObject({
      ttl: 120,
      creation_path: 'auth/approle/role/app/secret-id',
    });
    for (const wrapTtl of [undefined, '5s', '10m']) {
      const refused = await issue('app', wrapTtl);
      expect({ wrapTtl, status: refused.status, body: refused.body }).toEqual({
        wrapTtl,
        status: 403,
        body: PD,
      });
    }
  });

  it('the ACL comes first: a missing role under the policy is 404, outside the bounds 403', async () => {
    expect(await issue('ghost', '60s')).toMatchObject({
      status: 404,
      body: { errors: ['role "ghost" does not exist'] },
    });
    expect((await issue('ghost')).status).toBe(403);
  });

  it('reads the metadata JSON string and the CIDR list the launcher sends', async () => {
    const res = await issue('app', '60s', {
      metadata: JSON.stringify({ job: 'deploy-42', repo: 'acme/app' }),
      cidr_list: ['127.0.0.1/32'],
      num_uses: 1,
      ttl: 600,
    });
    const unwrapped = await server.request('POST', 'sys/wrapping/unwrap', {
      token: res.body.wrap_info.token,
    });
    const { secret_id_accessor: accessor } = unwrapped.body.data;
    expect(res.body.wrap_info.wrapped_accessor).toBe(accessor);
    const lookup = await server.write('auth/approle/role/app/secret-id/lookup', {
      secret_id: unwrapped.body.data.secret_id,
    });
    expect(lookup.body.data).toMatchObject({
      metadata: { job: 'deploy-42', repo: 'acme/app' },
      cidr_list: ['127.0.0.1/32'],
      secret_id_num_uses: 1,
      secret_id_ttl: 600,
    });
  });
});

describe('role/:r/secret-id-accessor/destroy', () => {
  let server: VaultServer;
  beforeEach(async () => {
    server = await startVaultServer();
  });
  afterEach(() => server.close());

  it('destroys by accessor (204); the secret ID no longer logs in', async () => {
    const handle = await setupAppRole(server);
    const created = (await createSecretId(server, handle)).body.data;
    const destroyed = await server.write('auth/approle/role/app/secret-id-accessor/destroy', {
      secret_id_accessor: created.secret_id_accessor,
    });
    expect(destroyed.status).toBe(204);
    expect((await login(server, handle, created.secret_id)).status).toBe(400);
  });

  it.each([
    [
      'an unknown accessor',
      'app',
      { secret_id_accessor: 'nope' },
      500,
      '1 error occurred:\n\t* failed to find accessor entry for secret_id_accessor: "nope"\n\n',
    ],
    [
      'a missing role',
      'ghost',
      { secret_id_accessor: 'nope' },
      500,
      '1 error occurred:\n\t* role "ghost" does not exist\n\n',
    ],
    ['no accessor', 'app', {}, 400, 'missing secret_id_accessor'],
  ])('answers %s with %s', async (_what, role, body, status, text) => {
    await setupAppRole(server);
    const res = await server.write(`auth/approle/role/${role}/secret-id-accessor/destroy`, body);
    expect(res).toMatchObject({ status, body: { errors: [text] } });
  });
});
