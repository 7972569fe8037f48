import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { VaultResponseError } from '../../src/vault/errors.ts';
import { createRetrier } from '../../src/vault/retrier.ts';

const silent = pino({ level: 'silent' });
const unavailable = () =>
  new VaultResponseError({ status: 503, errors: ['Vault is sealed'], method: 'GET', path: 'x' });

describe('createRetrier', () => {
  it('shares one give_up_after deadline across every call of a start-up', async () => {
    let clock = 0;
    const retrier = createRetrier(
      { initialMs: 1, maxMs: 1, giveUpAfterMs: 1_000 },
      silent,
      undefined,
      () => clock,
    );
    clock = 1_500; // the first calls already used up the start-up budget
    let attempts = 0;
    await expect(
      retrier.idempotent('read', async () => {
        attempts++;
        throw unavailable();
      }),
    ).rejects.toMatchObject({ exitCode: 69 });
    expect(attempts).toBe(1);
  });

  it.each([500, 502, 504])(
    'never retries a once-call that Vault answered %i (it may have processed it), and says why',
    async (status) => {
      const retrier = createRetrier({ initialMs: 1, maxMs: 1, giveUpAfterMs: 60_000 }, silent);
      let attempts = 0;
      const failure = retrier.once('unwrap', async () => {
        attempts++;
        throw new VaultResponseError({ status, errors: ['boom'], method: 'POST', path: 'x' });
      });
      await expect(failure).rejects.toThrow(/Not retried: the request reached Vault/);
      expect(attempts).toBe(1);
    },
  );

  it.each([
    [503, ['Vault is sealed']],
    [503, ['local node not active but active cluster node not found']],
    [429, ['request path "auth/approle/login": rate limit quota exceeded']],
  ])('retries a once-call that Vault answered %i (nothing processed)', async (status, errors) => {
    const retrier = createRetrier({ initialMs: 1, maxMs: 1, giveUpAfterMs: 60_000 }, silent);
    let attempts = 0;
    const answer = await retrier.once('approle login', async () => {
      attempts++;
      if (attempts < 3) throw new VaultResponseError({ status, errors, method: 'POST', path: 'x' });
      return 'ok';
    });
    expect(answer).toBe('ok');
    expect(attempts).toBe(3);
  });

  it('gives up on a once-call at give_up_after (69), saying nothing was spent', async () => {
    let clock = 0;
    const retrier = createRetrier(
      { initialMs: 1, maxMs: 1, giveUpAfterMs: 1_000 },
      silent,
      undefined,
      () => clock,
    );
    let attempts = 0;
    const failure = retrier.once('unwrap', async () => {
      attempts++;
      clock += 400;
      throw unavailable();
    });
    await expect(failure).rejects.toMatchObject({
      exitCode: 69,
      message: expect.stringMatching(/gave up after .*nothing was spent/),
    });
    expect(attempts).toBeGreaterThan(1);
  });
});
