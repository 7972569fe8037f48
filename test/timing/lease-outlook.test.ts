import { describe, expect, it } from 'vitest';
import {
  exitBeforeExpiryMs,
  isCappedByMaxTtl,
  leaseOutlook,
  type RenewalResult,
  renewFailureOutlook,
} from '../../src/timing/lease-outlook.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('leaseOutlook', () => {
  it.each<[string, RenewalResult, string, string]>([
    [
      'same TTL again',
      { grantedTtlMs: HOUR, previousTtlMs: HOUR, renewable: true },
      'renew-again',
      'renewable',
    ],
    [
      'a longer TTL',
      { grantedTtlMs: 2 * HOUR, previousTtlMs: HOUR, renewable: true },
      'renew-again',
      'renewable',
    ],
    [
      'a second lost to rounding',
      { grantedTtlMs: HOUR - 1_000, previousTtlMs: HOUR, renewable: true },
      'renew-again',
      'renewable',
    ],
    [
      'exactly half',
      { grantedTtlMs: HOUR / 2, previousTtlMs: HOUR, renewable: true },
      'renew-again',
      'renewable',
    ],
    [
      'just under half: capped by max TTL',
      { grantedTtlMs: HOUR / 2 - 1, previousTtlMs: HOUR, renewable: true },
      'cannot-extend',
      'ttl-shrinking',
    ],
    [
      'a capped 20 minutes of an hour',
      { grantedTtlMs: 20 * MIN, previousTtlMs: HOUR, renewable: true },
      'cannot-extend',
      'ttl-shrinking',
    ],
    [
      'renewable: false',
      { grantedTtlMs: HOUR, previousTtlMs: HOUR, renewable: false },
      'cannot-extend',
      'not-renewable',
    ],
    [
      'a zero TTL',
      { grantedTtlMs: 0, previousTtlMs: HOUR, renewable: true },
      'cannot-extend',
      'ttl-too-short',
    ],
    [
      'a NaN TTL',
      { grantedTtlMs: Number.NaN, previousTtlMs: HOUR, renewable: true },
      'cannot-extend',
      'ttl-too-short',
    ],
    [
      'a 249 ms TTL',
      { grantedTtlMs: 249, previousTtlMs: 249, renewable: true },
      'cannot-extend',
      'ttl-too-short',
    ],
    [
      'a steady 1 s test TTL',
      { grantedTtlMs: 1_000, previousTtlMs: 1_000, renewable: true },
      'renew-again',
      'renewable',
    ],
    // A 10-minute increment on a 1-hour login token: 10 minutes is what was asked for.
    [
      'the requested increment',
      {
        requestedIncrementMs: 10 * MIN,
        grantedTtlMs: 10 * MIN,
        previousTtlMs: HOUR,
        renewable: true,
      },
      'renew-again',
      'renewable',
    ],
    [
      'half the requested increment',
      {
        requestedIncrementMs: 10 * MIN,
        grantedTtlMs: 4 * MIN,
        previousTtlMs: HOUR,
        renewable: true,
      },
      'cannot-extend',
      'ttl-shrinking',
    ],
    [
      'an increment of 0 (server default)',
      { requestedIncrementMs: 0, grantedTtlMs: 20 * MIN, previousTtlMs: HOUR, renewable: true },
      'cannot-extend',
      'ttl-shrinking',
    ],
    [
      'an increment above the previous TTL',
      { requestedIncrementMs: 2 * HOUR, grantedTtlMs: HOUR, previousTtlMs: HOUR, renewable: true },
      'renew-again',
      'renewable',
    ],
  ])('%s → %s (%s)', (_, result, decision, reason) => {
    expect(leaseOutlook(result)).toEqual({ decision, reason });
  });

  it('stops by the second renewal once the max TTL caps the lease', () => {
    // Token issued at 0 with a 1-hour TTL and a max TTL of 100 minutes, renewed at 2/3.
    const maxAt = 100 * MIN;
    let now = 0;
    let ttl = HOUR;
    const decisions: string[] = [];
    for (let round = 0; round < 5; round++) {
      now += Math.floor((ttl * 2) / 3);
      const granted = Math.min(HOUR, maxAt - now);
      const outlook = leaseOutlook({ grantedTtlMs: granted, previousTtlMs: ttl, renewable: true });
      decisions.push(`${granted / MIN} min: ${outlook.decision}`);
      ttl = granted;
      if (outlook.decision === 'cannot-extend') break;
    }
    expect(decisions).toEqual(['60 min: renew-again', '20 min: cannot-extend']);
  });
});

describe('exitBeforeExpiryMs', () => {
  const now = 1_700_000_000_000;
  it.each([
    ['20 minutes left: 5% = 60 s early', 20 * MIN, 20 * MIN - 60_000],
    ['1 hour left: 5% = 3 min early', HOUR, HOUR - 3 * MIN],
    ['10 s left: 1 s floor beats 0.5 s', 10_000, 9_000],
    ['1.5 s left: 1 s early', 1_500, 500],
    ['10 days left: capped at 5 min early', 10 * 24 * HOUR, 10 * 24 * HOUR - 5 * MIN],
    ['0.5 s left: now', 500, 0],
    ['already expired: now', -5_000, 0],
    ['expiring now: now', 0, 0],
  ])('%s', (_, remaining, exitAfter) => {
    expect(exitBeforeExpiryMs(now + remaining, now)).toBe(now + exitAfter);
  });
});

describe('renewFailureOutlook', () => {
  const invalidToken = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';
  it.each<[string, number | undefined, string[], string]>([
    ['revoked or expired token', 403, [invalidToken], 'cannot-extend'],
    ['past max TTL', 400, ['past the max TTL, cannot renew'], 'cannot-extend'],
    ['non-renewable lease', 400, ['lease is not renewable'], 'cannot-extend'],
    ['batch token', 400, ['batch tokens cannot be renewed'], 'cannot-extend'],
    ['expired lease', 400, ['lease expired'], 'cannot-extend'],
    ['lease revoked from outside', 400, ['lease not found'], 'cannot-extend'],
    ['ACL denial only', 403, ['1 error occurred:\n\t* permission denied\n\n'], 'retry'],
    ['deleted AppRole role (500)', 500, ['internal error'], 'retry'],
    ['500 quoting "invalid token" stays transient', 500, ['invalid token'], 'retry'],
    ['rate limited', 429, ['request path "x": rate limit quota exceeded'], 'retry'],
    ['consistency check', 412, [], 'retry'],
    ['sealed / standby', 503, ['Vault is sealed'], 'retry'],
    ['network error (no status)', undefined, [], 'retry'],
    ['other 400', 400, ['missing client token'], 'retry'],
  ])('%s → %s', (_, status, messages, expected) => {
    expect(renewFailureOutlook(status, messages)).toBe(expected);
  });
});

describe('max TTL cap announced in warnings', () => {
  const capped =
    'TTL of "2s" exceeded the effective max_ttl of "1s"; TTL value is capped accordingly';
  const period =
    'period of "72h" exceeded the effective max_ttl of "10h"; period value is capped accordingly';
  it.each<[string, string[] | null, boolean]>([
    ['a TTL cap', [capped], true],
    ['a capped period (periodic tokens renew forever)', [period], false],
    ['no warnings', null, false],
    ['another warning', ['Endpoint ignored these unrecognized parameters: [x]'], false],
  ])('%s → %s', (_, warnings, expected) => {
    expect(isCappedByMaxTtl(warnings)).toBe(expected);
  });

  it('stops at the first capped renewal even when the TTL did not shrink by half', () => {
    const outlook = leaseOutlook({
      grantedTtlMs: 1_000,
      previousTtlMs: 2_000,
      renewable: true,
      warnings: [capped],
    });
    expect(outlook).toEqual({ decision: 'cannot-extend', reason: 'ttl-capped' });
  });
});
