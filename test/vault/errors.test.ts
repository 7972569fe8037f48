import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/keyturn-error.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { createVaultClient } from '../../src/vault/client.ts';
import {
  exitCodeForStatus,
  flattenVaultError,
  isInvalidToken,
  isPermissionDenied,
  isSealed,
  VaultResponseError,
} from '../../src/vault/errors.ts';
import { type Handler, json, startServer } from './test-server.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(handler: Handler) {
  const server = await startServer(handler);
  const redactor = new Redactor();
  const client = createVaultClient({ address: server.url, timeoutMs: 2000, redactor });
  cleanups.push(
    () => server.close(),
    () => client.close(),
  );
  return { client, redactor };
}

async function errorOf(promise: Promise<unknown>): Promise<VaultResponseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VaultResponseError);
  return err as VaultResponseError;
}

const invalidToken = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';
const denied = '1 error occurred:\n\t* permission denied\n\n';

describe('VaultResponseError from a real answer', () => {
  it('redacts a secret ID that Vault quotes in its error text before storing it', async () => {
    const secretId = '6f1e2d3c-aaaa-bbbb-cccc-0123456789ab';
    const { client } = await setup((_req, res, body) =>
      json(res, 400, { errors: [`invalid secret_id "${JSON.parse(body).secret_id}"`] }),
    );
    const err = await errorOf(
      client.request('POST', 'auth/approle/login', { body: { role_id: 'r', secret_id: secretId } }),
    );
    expect(err.status).toBe(400);
    expect(err.exitCode).toBe(ExitCode.badData);
    expect(err.errors).toEqual(['invalid secret_id "[REDACTED]"']);
    expect(err.message).toBe(
      'Vault answered POST auth/approle/login with 400: invalid secret_id "[REDACTED]"',
    );
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(
      secretId,
    );
  });

  it('detects a dead token (403 invalid token) and maps 403 to exit 77', async () => {
    const { client } = await setup((_req, res) => json(res, 403, { errors: [invalidToken] }));
    const err = await errorOf(
      client.request('POST', 'auth/token/renew-self', { token: 'hvs.dead' }),
    );
    expect(err.exitCode).toBe(ExitCode.refused);
    expect(isInvalidToken(err)).toBe(true);
    expect(isPermissionDenied(err)).toBe(false);
    expect(err.message).toBe(
      'Vault answered POST auth/token/renew-self with 403: permission denied; invalid token',
    );
  });

  it('tells an ACL denial from a dead token', async () => {
    const { client } = await setup((_req, res) => json(res, 403, { errors: [denied] }));
    const err = await errorOf(client.request('GET', 'secret/data/other', { token: 'hvs.alive' }));
    expect(isPermissionDenied(err)).toBe(true);
    expect(isInvalidToken(err)).toBe(false);
  });

  it('detects a sealed Vault and reads Retry-After on 429', async () => {
    let status = 503;
    const { client } = await setup((_req, res) => {
      if (status === 503) return json(res, 503, { errors: ['Vault is sealed'] });
      res.setHeader('Retry-After', '7');
      json(res, 429, { errors: ['request path "x": rate limit quota exceeded'] });
    });
    const sealed = await errorOf(client.request('GET', 'sys/leader'));
    expect(isSealed(sealed)).toBe(true);
    expect(sealed.exitCode).toBe(ExitCode.unavailable);
    status = 429;
    const limited = await errorOf(client.request('GET', 'sys/leader'));
    expect(limited.retryAfterMs).toBe(7000);
    expect(limited.exitCode).toBe(ExitCode.unavailable);
  });

  it('keeps the body of a deleted KV v2 version 404 on the error', async () => {
    const body = {
      request_id: 'r',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: {
        data: null,
        metadata: { version: 3, deletion_time: '2024-01-01T00:00:00Z', destroyed: false },
      },
      wrap_info: null,
      warnings: null,
      auth: null,
    };
    const { client } = await setup((_req, res) => json(res, 404, body));
    const err = await errorOf(
      client.request('GET', 'secret/data/app', { query: { version: '3' } }),
    );
    expect(err.status).toBe(404);
    expect(err.errors).toEqual([]);
    expect(err.body).toEqual(body);
  });

  it('has no body for a plain 404 {"errors":[]}, and no error text', async () => {
    const { client } = await setup((_req, res) => json(res, 404, { errors: [] }));
    const err = await errorOf(client.request('GET', 'secret/data/nothing'));
    expect(err.body).toBeUndefined();
    expect(err.message).toBe('Vault answered GET secret/data/nothing with 404: no error text');
  });

  it('does not quote a non-JSON error page', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<h1>Bad gateway hvs.in-page</h1>');
    });
    const err = await errorOf(client.request('GET', 'sys/leader'));
    expect(err.message).toBe('Vault answered GET sys/leader with 502: the answer is not JSON');
  });
});

describe('raw endpoints', () => {
  it('returns sys/health bodies for its non-200 statuses', async () => {
    const health = { initialized: true, sealed: true, standby: true };
    const { client } = await setup((_req, res) => json(res, 503, health));
    await expect(client.raw('GET', 'sys/health')).resolves.toEqual({ status: 503, body: health });
  });

  it('throws for an {"errors": …} answer', async () => {
    const { client } = await setup((_req, res) =>
      json(res, 400, { errors: ['Vault is already initialized'] }),
    );
    const err = await errorOf(client.raw('PUT', 'sys/init', { body: { secret_shares: 1 } }));
    expect(err.errors).toEqual(['Vault is already initialized']);
  });
});

describe('pure parts', () => {
  it.each([
    [400, ExitCode.badData],
    [404, ExitCode.badData],
    [405, ExitCode.badData],
    [403, ExitCode.refused],
    [412, ExitCode.unavailable],
    [429, ExitCode.unavailable],
    [500, ExitCode.unavailable],
    [503, ExitCode.unavailable],
    [307, ExitCode.unavailable],
  ])('status %i exits %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it.each([
    [invalidToken, 'permission denied; invalid token'],
    [denied, 'permission denied'],
    ['invalid role or secret ID', 'invalid role or secret ID'],
    ['  spread\n over lines ', 'spread over lines'],
  ])('flattens %j', (text, flat) => {
    expect(flattenVaultError(text)).toBe(flat);
  });
});
