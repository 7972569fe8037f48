import { describe, expect, it } from 'vitest';
import { RestartMeError } from '../../src/errors/keyturn-error.ts';
import { authAnswer, type Call, INVALID_TOKEN, vaultError } from './fake-vault.ts';
import { startRenewer, testConfig } from './renewer-harness.ts';

const HOUR_S = 3600;
const renewals = (calls: Call[]) => calls.filter((c) => c.path === 'auth/token/renew-self');

describe('renew-token: the schedule', () => {
  it('renews at 2/3 of each granted TTL (random 0.5), exactly, and stops leaving no timer behind', async () => {
    await using run = await startRenewer({
      config: testConfig(''),
      ttlSeconds: HOUR_S,
      handle: (call) =>
        call.path === 'auth/token/renew-self' ? authAnswer('t0', 1800) : undefined,
    });
    await run.until(() => run.time.pending === 1, 'the first renewal to be scheduled');
    expect(run.time.requested).toEqual([2_400_000]);
    await run.time.advance(2_400_000);
    await run.until(() => run.time.requested.length === 2, 'the second renewal to be scheduled');
    // 1800 s granted at 2,400,000: next at 2/3 of 1800 s later.
    expect(run.time.requested[1]).toBe(1_200_000);
    await run.time.advance(1_200_000);
    await run.until(() => run.time.requested.length === 3);
    expect(renewals(run.calls).map((c) => [c.at, c.token])).toEqual([
      [2_400_000, 't0'],
      [3_600_000, 't0'],
    ]);
    run.controller.abort();
    await run.done;
    expect(run.time.pending).toBe(0);
  });

  it('backs off with jitter after failures and honours Retry-After', async () => {
    const answers = [
      vaultError('POST', 'auth/token/renew-self', 503, ['Vault is sealed']),
      vaultError('POST', 'auth/token/renew-self', 429, ['rate limit quota exceeded'], 5_000),
      authAnswer('t0', HOUR_S),
    ];
    await using run = await startRenewer({
      config: testConfig(''),
      ttlSeconds: HOUR_S,
      handle: (call) => (call.path === 'auth/token/renew-self' ? answers.shift() : undefined),
    });
    await run.until(() => run.time.pending === 1);
    await run.time.advance(2_400_000);
    await run.until(() => run.time.requested.length === 2);
    // Retry 1: initial 250 ms, equal jitter at 0.5 → 188 ms.
    expect(run.time.requested[1]).toBe(188);
    await run.time.advance(188);
    await run.until(() => run.time.requested.length === 3);
    // Retry 2: backoff 375 ms, but Retry-After 5 s stretched by 10% (same draw) → 5,500 ms.
    expect(run.time.requested[2]).toBe(5_500);
    await run.time.advance(5_500);
    await run.until(() => run.time.requested.length === 4);
    expect(renewals(run.calls).map((c) => c.at)).toEqual([2_400_000, 2_400_188, 2_405_688]);
    expect(run.time.requested[3]).toBe(2_400_000);
    const warnings = run.out.lines.filter((l) => l.msg === 'token renewal failed; retrying');
    expect(warnings.map((l) => l.retryInMs)).toEqual([188, 5_500]);
  });
});

describe('renew-token: when the token cannot be extended', () => {
  const spent = { VAULT_SECRET_ID: 'hvs.CAESIwrappingtoken' };

  it('keeps retrying until the token expires (waits capped by the time left), then exits 75', async () => {
    await using run = await startRenewer({
      config: testConfig(''),
      ttlSeconds: 10,
      env: spent,
      handle: () => vaultError('POST', 'auth/token/renew-self', 502, ['bad gateway']),
    });
    await run.until(() => run.time.pending === 1);
    await run.time.advance(10_000);
    await expect(run.done).rejects.toBeInstanceOf(RestartMeError);
    // 6,666 = floor(2/3 of 10 s); then 188, 375, 750, 1,500 ms; the last wait is cut to expiry.
    expect(renewals(run.calls).map((c) => c.at)).toEqual([
      6_666, 6_854, 7_229, 7_979, 9_479, 10_000,
    ]);
    expect(run.time.pending).toBe(0);
  });

  it('logs when the token expires, waits until shortly before, and exits 75 (a wrapped secret ID is spent)', async () => {
    await using run = await startRenewer({
      config: testConfig(''),
      ttlSeconds: HOUR_S,
      env: spent,
      handle: () =>
        vaultError('POST', 'auth/token/renew-self', 400, ['past the max TTL, cannot renew']),
    });
    let ended = false;
    run.done.catch(() => {
      ended = true;
    });
    await run.until(() => run.time.pending === 1);
    await run.time.advance(2_400_000);
    const warning = () =>
      run.out.lines.find((l) => String(l.msg).includes('cannot be renewed any more'));
    await run.until(() => warning() !== undefined);
    // 20 minutes left: exit 5% of that (1 minute) before expiry.
    expect(warning()).toMatchObject({
      level: 50,
      expiresAt: '1970-01-01T01:00:00.000Z',
      exitAt: '1970-01-01T00:59:00.000Z',
    });
    expect(String(warning()?.msg)).toMatch(/response-wrapped/);
    await run.time.advance(1_139_999);
    expect(ended).toBe(false);
    await run.time.advance(1);
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestartMeError);
    expect((error as RestartMeError).exitCode).toBe(75);
    expect(renewals(run.calls)).toHaveLength(1);
  });

  it('treats a 403 invalid token as gone now: exits 75 at once', async () => {
    await using run = await startRenewer({
      config: testConfig(''),
      ttlSeconds: HOUR_S,
      env: spent,
      handle: () => vaultError('POST', 'auth/token/renew-self', 403, [INVALID_TOKEN]),
    });
    await run.until(() => run.time.pending === 1);
    await run.time.advance(2_400_000);
    await expect(run.done).rejects.toBeInstanceOf(RestartMeError);
    expect(renewals(run.calls)).toHaveLength(1);
    const warning = run.out.lines.find((l) => String(l.msg).includes('cannot be renewed any more'));
    expect(warning?.exitAt).toBe(new Date(2_400_000).toISOString());
  });

  it('treats a capped renewal as the end', async () => {
    const capped =
      'TTL of "1h" exceeded the effective max_ttl of "10m"; TTL value is capped accordingly';
    await using run = await startRenewer({
      config: testConfig(''),
      ttlSeconds: HOUR_S,
      env: spent,
      handle: () => authAnswer('t0', 600, { warnings: [capped] }),
    });
    await run.until(() => run.time.pending === 1);
    await run.time.advance(2_400_000);
    const warning = () =>
      run.out.lines.find((l) => String(l.msg).includes('cannot be renewed any more'));
    await run.until(() => warning() !== undefined);
    expect(String(warning()?.msg)).toMatch(/max TTL is reached/);
    // 600 s left after the capped renewal: exit 30 s (5%) before.
    expect(warning()?.exitAt).toBe(new Date(2_400_000 + 570_000).toISOString());
  });
});

describe('renew-token: woken by another actor', () => {
  it('renews at once when a refresh learns the token is invalid, instead of at 2/3 of its TTL', async () => {
    await using run = await startRenewer({
      config: (dir) =>
        testConfig('secrets:\n  - { path: kv/a, to: a, kv_version: 1, refresh: 1m }', dir),
      ttlSeconds: HOUR_S,
      secrets: [{ data: { k: 'v' } }],
      env: { VAULT_SECRET_ID: 'hvs.CAESIwrappingtoken' },
      handle: (call) => vaultError('GET', call.path, 403, [INVALID_TOKEN]),
    });
    await run.until(() => run.time.pending === 2);
    await run.time.advance(60_000);
    await expect(run.done).rejects.toBeInstanceOf(RestartMeError);
    const seen = run.calls.filter((c) => !c.path.startsWith('sys/internal/ui/mounts/'));
    expect(seen.map((c) => [c.path, c.at])).toEqual([
      ['kv/a', 60_000],
      ['auth/token/renew-self', 60_000],
    ]);
    expect(
      run.out.lines.some((l) => l.msg === 'Vault says the token is invalid: renewing it now'),
    ).toBe(true);
  });
});
