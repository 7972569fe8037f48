import { afterEach, describe, expect, it } from 'vitest';
import { UsageError, VaultDataError } from '../../src/errors/keyturn-error.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { createVaultClient, type VaultClient } from '../../src/vault/client.ts';
import { type Handler, json, startServer, type TestServer } from './test-server.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(handler: Handler, extra: { namespace?: string; address?: string } = {}) {
  const server: TestServer = await startServer(handler);
  const redactor = new Redactor();
  const client: VaultClient = createVaultClient({
    address: extra.address ?? server.url,
    timeoutMs: 2000,
    redactor,
    ...(extra.namespace ? { namespace: extra.namespace } : {}),
  });
  cleanups.push(
    () => server.close(),
    () => client.close(),
  );
  return { server, client, redactor };
}

const loginAnswer = {
  request_id: 'b3e2-req',
  lease_id: '',
  renewable: false,
  lease_duration: 0,
  data: null,
  wrap_info: null,
  warnings: null,
  auth: {
    client_token: 'hvs.CAESIclienttoken',
    accessor: 'acc-1234',
    policies: ['default', 'app'],
    token_policies: ['default', 'app'],
    metadata: { role_name: 'app' },
    lease_duration: 3600,
    renewable: true,
    entity_id: 'ent-1',
    token_type: 'service',
    orphan: true,
    mfa_requirement: null,
    num_uses: 0,
  },
  mount_type: 'approle',
};

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );

describe('requests', () => {
  it('sends token, namespace, wrap TTL, X-Vault-Request and a JSON body', async () => {
    const { server, client } = await setup((_req, res) => json(res, 200, loginAnswer), {
      namespace: 'ns1/',
    });
    await client.request('POST', 'auth/approle/role/app/secret-id', {
      token: 'hvs.launcher',
      wrapTtl: '120s',
      body: { metadata: '{}' },
      query: { a: 'b c' },
    });
    const [sent] = server.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/auth/approle/role/app/secret-id?a=b+c');
    expect(sent?.headers['x-vault-token']).toBe('hvs.launcher');
    expect(sent?.headers['x-vault-namespace']).toBe('ns1/');
    expect(sent?.headers['x-vault-wrap-ttl']).toBe('120s');
    expect(sent?.headers['x-vault-request']).toBe('true');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent?.body ?? '')).toEqual({ metadata: '{}' });
  });

  it('sends no token, namespace or wrap header when not asked, and no body on GET', async () => {
    const { server, client } = await setup((_req, res) => json(res, 200, loginAnswer));
    await client.request('GET', 'sys/wrapping/lookup');
    const headers = server.requests[0]?.headers ?? {};
    expect(Object.keys(headers)).not.toContain('x-vault-token');
    expect(Object.keys(headers)).not.toContain('x-vault-namespace');
    expect(Object.keys(headers)).not.toContain('x-vault-wrap-ttl');
    expect(Object.keys(headers)).not.toContain('content-type');
  });

  it('sends LIST as GET ?list=true, like Vault’s Go client', async () => {
    const { server, client } = await setup((_req, res) =>
      json(res, 200, { data: { keys: ['a'] } }),
    );
    const answer = await client.request<{ keys: string[] }>('LIST', 'secret/metadata/app/');
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.url).toBe('/v1/secret/metadata/app/?list=true');
    expect(answer?.data.keys).toEqual(['a']);
  });

  it('keeps a path prefix of the address and encodes path segments', async () => {
    const { server, client } = await setup((_req, res) => json(res, 200, {}), {});
    const prefixed = createVaultClient({
      address: `${server.url}/vault/`,
      timeoutMs: 2000,
      redactor: new Redactor(),
    });
    cleanups.push(() => prefixed.close());
    await prefixed.request('GET', '/secret/data/my app#1');
    expect(server.requests.map((r) => r.url)).toEqual(['/vault/v1/secret/data/my%20app%231']);
    await expect(client.request('GET', 'secret/../sys/raw')).rejects.toThrow(/"\.\."/);
  });

  it('registers the request token and a secret_id in the body with the redactor at once', async () => {
    const { client, redactor } = await setup((_req, res) => json(res, 200, loginAnswer));
    await client.request('POST', 'auth/approle/login', {
      token: 'hvs.requesttoken',
      body: { role_id: 'role-1', secret_id: 'c0ffee00-1111-2222-3333-444455556666' },
    });
    const line = redactor.redact('hvs.requesttoken c0ffee00-1111-2222-3333-444455556666 role-1');
    expect(line).toBe('[REDACTED] [REDACTED] role-1');
  });
});

describe('responses', () => {
  it('parses the wrapper into camelCase and registers the client token, not the accessor', async () => {
    const { client, redactor } = await setup((_req, res) => json(res, 200, loginAnswer));
    const answer = await client.request('POST', 'auth/approle/login', { body: {} });
    expect(answer).toEqual({
      requestId: 'b3e2-req',
      leaseId: '',
      renewable: false,
      leaseDurationMs: 0,
      data: null,
      wrapInfo: null,
      warnings: null,
      mountType: 'approle',
      auth: {
        clientToken: 'hvs.CAESIclienttoken',
        accessor: 'acc-1234',
        policies: ['default', 'app'],
        tokenPolicies: ['default', 'app'],
        identityPolicies: [],
        metadata: { role_name: 'app' },
        leaseDurationMs: 3_600_000,
        renewable: true,
        entityId: 'ent-1',
        tokenType: 'service',
        orphan: true,
        numUses: 0,
      },
    });
    expect(redactor.redact('hvs.CAESIclienttoken acc-1234')).toBe('[REDACTED] acc-1234');
  });

  it('parses wrap_info and registers the wrapping token and an unwrapped secret_id', async () => {
    const wrapped = {
      request_id: '',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: { secret_id: 'a9f0e1d2-secret', secret_id_accessor: 'sid-acc-9' },
      wrap_info: {
        token: 'hvs.wrappingtoken',
        accessor: 'wrap-acc',
        ttl: 120,
        creation_time: '2024-05-01T10:00:00.123456789Z',
        creation_path: 'auth/approle/role/app/secret-id',
        wrapped_accessor: 'sid-acc-9',
      },
      warnings: ['capped'],
      auth: null,
    };
    const { client, redactor } = await setup((_req, res) => json(res, 200, wrapped));
    const answer = await client.request('POST', 'auth/approle/role/app/secret-id', {
      wrapTtl: '120',
    });
    expect(answer?.wrapInfo).toEqual({
      token: 'hvs.wrappingtoken',
      accessor: 'wrap-acc',
      ttlMs: 120_000,
      creationTime: '2024-05-01T10:00:00.123456789Z',
      creationPath: 'auth/approle/role/app/secret-id',
      wrappedAccessor: 'sid-acc-9',
    });
    expect(answer?.warnings).toEqual(['capped']);
    expect(answer).not.toHaveProperty('mountType');
    expect(redactor.redact('hvs.wrappingtoken a9f0e1d2-secret sid-acc-9 wrap-acc')).toBe(
      '[REDACTED] [REDACTED] sid-acc-9 wrap-acc',
    );
  });

  it('answers undefined for 204', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    await expect(
      client.request('POST', 'auth/token/revoke-self', { token: 'hvs.x1' }),
    ).resolves.toBeUndefined();
  });

  it('refuses a 200 whose body is not JSON without quoting the body', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>hvs.leaked-in-html</html>');
    });
    const err = await caught(client.request('GET', 'secret/data/app'));
    expect(err).toBeInstanceOf(VaultDataError);
    expect((err as Error).message).toContain('GET secret/data/app');
    expect((err as Error).message).not.toContain('leaked');
  });
});

describe('options', () => {
  it.each([
    [{ address: 'vault:8200' }, /must start with http:\/\/ or https:\/\//],
    [{ address: 'not a url' }, /address "not a url" is not a URL/],
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number, got 0/],
    [{ maxSockets: -1 }, /maxSockets must be a positive number, got -1/],
  ])('%j is a UsageError', (override, message) => {
    const create = () =>
      createVaultClient({
        address: 'http://127.0.0.1:8200',
        timeoutMs: 1000,
        redactor: new Redactor(),
        ...override,
      });
    expect(create).toThrow(UsageError);
    expect(create).toThrow(message);
  });

  it('logs each request at debug with method, path and status, never the token', async () => {
    const server = await startServer((_req, res) => json(res, 200, { data: {} }));
    const lines: Array<[object, string]> = [];
    const logger = { debug: (obj: object, msg: string) => lines.push([obj, msg]), warn: () => {} };
    const client = createVaultClient({
      address: server.url,
      timeoutMs: 2000,
      redactor: new Redactor(),
      logger,
      userAgent: 'keyturn/9.9',
    });
    cleanups.push(
      () => server.close(),
      () => client.close(),
    );
    await client.request('GET', 'auth/token/lookup-self', { token: 'hvs.logged-never' });
    expect(lines).toEqual([
      [
        expect.objectContaining({ method: 'GET', path: 'auth/token/lookup-self', status: 200 }),
        'vault request',
      ],
    ]);
    expect(JSON.stringify(lines)).not.toContain('hvs.logged-never');
    expect(server.requests[0]?.headers['user-agent']).toBe('keyturn/9.9');
  });
});
