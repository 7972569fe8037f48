import { describe, expect, it } from 'vitest';
import type { AppRoleConfig, Config } from '../../src/config/config-types.ts';
import {
  decodeHandover,
  decodeReport,
  encodeHandover,
  encodeReport,
  failureReport,
  type RenewerHandover,
  renewerConfig,
  reportedError,
} from '../../src/daemon/handover.ts';
import { AuthError, UsageError } from '../../src/errors/keyturn-error.ts';

const token = 'hvs.handover-test-token-0123456789';

function config(secretId: AppRoleConfig['secretId']): Config {
  return {
    vault: { tls: {}, timeoutMs: 1000, retry: { initialMs: 1, maxMs: 2, giveUpAfterMs: 3 } },
    auth: {
      method: 'approle',
      mount: 'approle',
      roleId: { kind: 'env', name: 'VAULT_ROLE_ID' },
      secretId,
      wrapped: 'auto',
    },
    token: { revokeOnExit: false },
    secrets: [],
    certs: [],
    templates: [],
    exec: {
      onChange: 'restart',
      signal: 'SIGHUP',
      stopSignal: 'SIGTERM',
      stopTimeoutMs: 30_000,
      onChangeWaitMs: 1000,
    },
  };
}

function handover(extra: Partial<RenewerHandover> = {}): RenewerHandover {
  return {
    version: 1,
    config: config({ kind: 'file', path: '/run/secret-id', removeAfterRead: false }),
    start: {
      login: {
        token,
        accessor: 'acc-1',
        ttlMs: 3_600_000,
        renewable: true,
        policies: ['app'],
        tokenType: 'service',
        issuedAtMs: 1,
        owned: true,
      },
      fetched: { secrets: [], certs: [] },
      certLifetimes: [],
      files: { written: ['/out/a'], unchanged: [], changedGroups: [] },
    },
    stateFile: '/s/state.json',
    lockFile: '/s/renewer.lock',
    logFile: '/s/renewer.log',
    logLevel: 'info',
    ...extra,
  };
}

describe('renewerConfig: the renewer never gets a spent secret ID', () => {
  it.each([
    ['a literal (--input-json)', { kind: 'literal', value: 'spent-secret-id-value' } as const],
    ['an environment variable', { kind: 'env', name: 'MY_SECRET_ID' } as const],
  ])('replaces %s with the withheld VAULT_SECRET_ID', (_label, source) => {
    const result = renewerConfig(config(source));
    expect(result.auth).toMatchObject({ method: 'approle' });
    expect((result.auth as AppRoleConfig).secretId).toEqual({
      kind: 'env',
      name: 'VAULT_SECRET_ID',
    });
    expect(JSON.stringify(result)).not.toContain('spent-secret-id-value');
  });

  it('keeps a file source: it is re-read for a new login (SPEC §6)', () => {
    const source = { kind: 'file', path: '/run/secret-id', removeAfterRead: true } as const;
    expect((renewerConfig(config(source)).auth as AppRoleConfig).secretId).toEqual(source);
  });
});

describe('handover encoding', () => {
  it('round-trips, byte arrays included', () => {
    const original = handover();
    (original.start as unknown as { extra: Uint8Array }).extra = new Uint8Array([0, 1, 255]);
    const decoded = decodeHandover(encodeHandover(original));
    expect(decoded.start.login.token).toBe(token);
    expect((decoded.start as unknown as { extra: Uint8Array }).extra).toEqual(
      new Uint8Array([0, 1, 255]),
    );
    expect(decoded.config).toEqual(original.config);
  });

  it('gives back the undefined of a certificate kept on disk (JSON makes it null)', () => {
    const original = handover();
    original.start.fetched = { secrets: [], certs: [undefined] };
    const decoded = decodeHandover(encodeHandover(original));
    expect(decoded.start.fetched.certs).toHaveLength(1);
    expect(decoded.start.fetched.certs[0]).toBeUndefined();
  });

  it.each([
    ['not JSON', `{"token":"${token}"`, /not JSON/],
    ['another version', JSON.stringify({ ...handover(), version: 2 }), /unknown version/],
    ['no token', JSON.stringify({ ...handover(), start: { login: {} } }), /no token/],
    ['no lock file', JSON.stringify({ ...handover(), lockFile: undefined }), /no lockFile/],
  ])('refuses %s without quoting the input', (_label, text, message) => {
    let error: unknown;
    try {
      decodeHandover(text);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(token);
  });
});

describe('ready report', () => {
  it('is one line', () => {
    expect(encodeReport({ ok: true, pid: 42 })).toBe('{"ok":true,"pid":42}\n');
    expect(decodeReport('{"ok":true,"pid":42}')).toEqual({ ok: true, pid: 42 });
  });

  it.each([
    [new UsageError('another renewer (pid 7) already runs', { details: { pid: 7 } }), 64],
    [new AuthError('refused'), 77],
    [new Error('boom'), 70],
  ])('carries the exit code of %s back to the parent', (error, code) => {
    const report = decodeReport(encodeReport(failureReport(error)).trim());
    if (report.ok) throw new Error('expected a failure');
    const back = reportedError(report);
    expect(back.exitCode).toBe(code);
    expect(back.message).toContain((error as Error).message);
  });

  it.each(['', 'ready', '{"ok":true}', '{"ok":false}'])('refuses %j', (line) => {
    expect(() => decodeReport(line)).toThrow(/unexpected answer/);
  });
});

describe('registerHandoverSecrets', () => {
  it('teaches the renewer redactor the token, secret values, private keys and literal IDs', async () => {
    const { Redactor } = await import('../../src/log/redactor.ts');
    const { registerHandoverSecrets } = await import('../../src/daemon/handover.ts');
    const redactor = new Redactor();
    const value = handover({
      config: {
        ...config({ kind: 'file', path: '/x', removeAfterRead: false }),
        auth: {
          method: 'approle',
          mount: 'approle',
          roleId: { kind: 'literal', value: 'role-id-literal' },
          secretId: { kind: 'file', path: '/x', removeAfterRead: false },
          wrapped: 'auto',
        },
      },
    });
    value.start.fetched = {
      secrets: [{ data: { password: 'db-password-1', nested: { key: 'api-key-2' } } }],
      certs: [
        {
          certificate: 'CERT',
          privateKey: '-----BEGIN KEY-----\nprivate-key-body-0123456789\n-----END KEY-----',
          issuingCa: 'CA',
          caChain: [],
          serialNumber: '01',
          notAfterMs: 0,
          notBeforeMs: 0,
        },
        undefined,
      ],
    };
    registerHandoverSecrets(value, redactor);
    const line = `${token} db-password-1 api-key-2 private-key-body-0123456789 role-id-literal /out/a`;
    expect(redactor.redact(line)).toBe(
      '[REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED] /out/a',
    );
  });
});
