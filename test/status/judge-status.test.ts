import { describe, expect, it } from 'vitest';
import type { AgentState } from '../../src/state/agent-state.ts';
import { judgeStatus, type StatusFacts } from '../../src/status/judge-status.ts';

const now = 1_800_000_000_000;

function state(extra: Partial<AgentState> = {}): AgentState {
  return {
    version: 1,
    pid: 4242,
    startedAt: new Date(now - 60_000).toISOString(),
    mode: 'daemon',
    token: { accessor: 'acc-1', expiresAt: now + 3_600_000, renewable: true },
    files: ['/out/a', '/out/cert.pem'],
    certs: [{ path: '/out/cert.pem', notAfter: now + 86_400_000 }],
    leases: [],
    ...extra,
  };
}

function facts(extra: Partial<StatusFacts> = {}): StatusFacts {
  return {
    stateFile: '/run/keyturn/state.json',
    state: state(),
    files: [
      { path: '/out/a', present: true },
      { path: '/out/cert.pem', present: true },
    ],
    certs: [{ path: '/out/cert.pem', notAfter: now + 86_400_000 }],
    renewerAlive: true,
    tokenUsers: ['renewer'],
    ...extra,
  };
}

describe('judgeStatus', () => {
  it.each<[string, Partial<StatusFacts>, boolean, string | undefined]>([
    ['all good', {}, true, undefined],
    ['no state file', { state: undefined }, false, 'state'],
    [
      'unreadable state file',
      { state: undefined, stateError: 'cannot read: not JSON' },
      false,
      'state',
    ],
    ['a file missing', { files: [{ path: '/out/a', present: false }] }, false, 'files'],
    [
      'a certificate expired',
      { certs: [{ path: '/out/cert.pem', notAfter: now - 1 }] },
      false,
      'certs',
    ],
    [
      'a certificate expiring exactly now',
      { certs: [{ path: '/c', notAfter: now }] },
      false,
      'certs',
    ],
    [
      'a certificate unreadable',
      { certs: [{ path: '/c', error: 'cannot read (ENOENT)' }] },
      false,
      'certs',
    ],
    ['no certificates at all', { certs: [] }, true, undefined],
    [
      'the token expired',
      { state: state({ token: { accessor: 'a', expiresAt: now - 1, renewable: true } }) },
      false,
      'token',
    ],
    [
      'the token expired, nothing uses it (prestart only, no sink)',
      {
        state: state({
          mode: 'prestart',
          pid: undefined,
          token: { accessor: 'a', expiresAt: now - 1, renewable: true },
        }),
        renewerAlive: undefined,
        tokenUsers: [],
      },
      true,
      undefined,
    ],
    [
      'the token expired, a sink uses it (prestart only)',
      {
        state: state({
          mode: 'prestart',
          pid: undefined,
          token: { accessor: 'a', expiresAt: now - 1, renewable: true },
        }),
        renewerAlive: undefined,
        tokenUsers: ['sink /out/token'],
      },
      false,
      'token',
    ],
    ['the renewer dead', { renewerAlive: false }, false, 'renewer'],
    [
      'an output group failing',
      {
        state: state({
          failing: [{ group: 'template /t.tmpl', error: 'no key username', since: now - 5 }],
        }),
      },
      false,
      'outputs',
    ],
    [
      'a daemon state without a pid',
      { state: state({ pid: undefined }), renewerAlive: undefined },
      false,
      'renewer',
    ],
    [
      'a one-shot prestart (no renewer expected)',
      { state: state({ mode: 'prestart', pid: undefined }), renewerAlive: undefined },
      true,
      undefined,
    ],
    ['an agent alive', { state: state({ mode: 'agent' }) }, true, undefined],
    ['--online: lookup-self fine', { online: { ok: true, ttlSeconds: 300 } }, true, undefined],
    [
      '--online: lookup-self refused',
      { online: { ok: false, error: 'lookup-self failed: 403' } },
      false,
      'vault',
    ],
  ])('%s → healthy %s', (_label, extra, healthy, failing) => {
    const verdict = judgeStatus(facts(extra), now);
    expect(verdict.healthy).toBe(healthy);
    expect(verdict.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(
      failing ? [failing] : [],
    );
  });

  it('a Vault outage alone cannot make it unhealthy: without --online Vault is not a check', () => {
    expect(judgeStatus(facts(), now).checks.map((c) => c.name)).toEqual([
      'state',
      'files',
      'outputs',
      'certs',
      'token',
      'renewer',
    ]);
  });

  it('names what is wrong', () => {
    const verdict = judgeStatus(
      facts({ files: [{ path: '/out/gone', present: false }], renewerAlive: false }),
      now,
    );
    expect(verdict.checks.find((c) => c.name === 'files')?.detail).toBe('missing: /out/gone');
    expect(verdict.checks.find((c) => c.name === 'renewer')?.detail).toBe(
      'pid 4242 is not running',
    );
    const expired = judgeStatus(
      facts({
        state: state({ token: { accessor: 'acc-9', expiresAt: now - 1, renewable: true } }),
      }),
      now,
    );
    expect(expired.checks.find((c) => c.name === 'token')?.detail).toBe(
      `accessor acc-9 expired ${new Date(now - 1).toISOString()}; used by the renewer`,
    );
  });
});
