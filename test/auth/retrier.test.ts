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

  it('never retries a once-call that reached Vault, and says why', async () => {
    const retrier = createRetrier({ initialMs: 1, maxMs: 1, giveUpAfterMs: 60_000 }, silent);
    let attempts = 0;
    const failure = retrier.once('unwrap', async () => {
      attempts++;
      throw unavailable();
    });
    await expect(failure).rejects.toThrow(/Not retried: the request reached Vault/);
    expect(attempts).toBe(1);
  });
});
