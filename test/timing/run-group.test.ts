import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ExitCode, KeyturnError } from '../../src/errors/keyturn-error.ts';
import { type Actor, runGroup } from '../../src/timing/run-group.ts';
import { sleep } from '../../src/timing/sleep.ts';
import { FakeTime } from './fake-time.ts';

const DAY = 86_400_000;

/** An actor that waits (really) until told to stop, recording what it saw. */
function waiter(name: string, onStop?: () => Promise<void>) {
  const seen = { reason: undefined as unknown, settled: false };
  const actor: Actor = {
    name,
    async run(signal) {
      try {
        await sleep(DAY, signal);
      } catch (error) {
        seen.reason = error;
        await onStop?.();
        throw error;
      } finally {
        seen.settled = true;
      }
    },
  };
  return { actor, seen };
}

function failer(name: string, error: unknown): Actor {
  return {
    name,
    async run() {
      await Promise.resolve();
      throw error;
    },
  };
}

/** An actor that ignores its signal (breaks the contract) until `release` is called. */
function ignorer(name: string) {
  let release = (): void => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { actor: { name, run: () => done } satisfies Actor, release };
}

describe('runGroup', () => {
  it('rejects with the first failure after stopping and awaiting the others', async () => {
    const boom = new Error('renew-token failed');
    const a = waiter('renew-leases');
    const b = waiter('child', () => sleep(20, new AbortController().signal));
    const outer = new AbortController();
    await expect(
      runGroup([a.actor, failer('renew-token', boom), b.actor], outer.signal),
    ).rejects.toBe(boom);
    expect(a.seen.settled && b.seen.settled).toBe(true);
    expect(a.seen.reason).toBeDefined();
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(0);
  });

  it('keeps the first error when stopped actors reject with their own', async () => {
    const first = new Error('first');
    const later: Actor = {
      name: 'later',
      async run(signal) {
        await sleep(DAY, signal).catch(() => {
          throw new Error('second');
        });
      },
    };
    await expect(
      runGroup([later, failer('first', first)], new AbortController().signal),
    ).rejects.toBe(first);
  });

  it('rejects with an error thrown synchronously by run()', async () => {
    const bad = new Error('sync');
    const actor: Actor = {
      name: 'sync',
      run() {
        throw bad;
      },
    };
    const a = waiter('other');
    await expect(runGroup([actor, a.actor], new AbortController().signal)).rejects.toBe(bad);
    expect(a.seen.settled).toBe(true);
  });

  it('resolves on an external abort, passing its reason to every actor', async () => {
    const outer = new AbortController();
    const a = waiter('a');
    const b = waiter('b');
    const group = runGroup([a.actor, b.actor], outer.signal);
    const reason = new Error('SIGTERM');
    setImmediate(() => outer.abort(reason));
    await expect(group).resolves.toBeUndefined();
    expect(a.seen.reason).toBe(reason);
    expect(b.seen.reason).toBe(reason);
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(0);
  });

  it('resolves at once when the signal is already aborted', async () => {
    const a = waiter('a');
    await expect(runGroup([a.actor], AbortSignal.abort())).resolves.toBeUndefined();
    expect(a.seen.settled).toBe(true);
  });

  it('stops the others and resolves when an actor returns (a child that exited)', async () => {
    const a = waiter('renew-token');
    const child: Actor = { name: 'child', run: async () => {} };
    await expect(runGroup([a.actor, child], new AbortController().signal)).resolves.toBeUndefined();
    expect(a.seen.settled).toBe(true);
  });

  it('resolves an empty group', async () => {
    await expect(runGroup([], new AbortController().signal)).resolves.toBeUndefined();
  });

  it('stops waiting for an actor that ignores its signal, naming it', async () => {
    const time = new FakeTime();
    const outer = new AbortController();
    const hung = ignorer('stubborn');
    const settled = { error: undefined as unknown };
    const group = runGroup([hung.actor, waiter('polite').actor], outer.signal, {
      settleTimeoutMs: 10_000,
      timers: time,
    }).catch((error: unknown) => {
      settled.error = error;
    });
    outer.abort();
    await time.advance(9_999);
    expect(settled.error).toBeUndefined();
    await time.advance(1);
    await group;
    expect(settled.error).toBeInstanceOf(KeyturnError);
    const error = settled.error as KeyturnError;
    expect(error.exitCode).toBe(ExitCode.internal);
    expect(error.message).toBe('actors did not stop within 10000 ms of being told to: stubborn');
    hung.release();
  });

  it('rejects with the first failure even when another actor hangs', async () => {
    const time = new FakeTime();
    const boom = new Error('boom');
    const hung = ignorer('stubborn');
    const group = runGroup([hung.actor, failer('bad', boom)], new AbortController().signal, {
      settleTimeoutMs: 50,
      timers: time,
    });
    const outcome = group.catch((error: unknown) => error);
    await time.advance(50);
    expect(await outcome).toBe(boom);
    expect(time.pending).toBe(0);
    hung.release();
  });

  it('clears its settle timer when every actor stops in time', async () => {
    const time = new FakeTime();
    const outer = new AbortController();
    const group = runGroup([waiter('a').actor], outer.signal, { timers: time });
    outer.abort();
    await group;
    expect(time.requested).toEqual([10_000]);
    expect(time.pending).toBe(0);
  });
});
