import { getEventListeners } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authAnswer } from './fake-vault.ts';
import { startRenewer, testConfig } from './renewer-harness.ts';

describe('stopping the renewer', () => {
  it('resolves on abort, revokes the token with revoke_on_exit, and leaves no timer or listener', async () => {
    const controller = new AbortController();
    await using run = await startRenewer({
      config: (dir) =>
        testConfig(
          'token: { revoke_on_exit: true }\nsecrets:\n  - { path: kv/a, to: a, kv_version: 1, refresh: 1m }',
          dir,
        ),
      ttlSeconds: 3600,
      secrets: [{ data: { k: 'v' } }],
      extra: { signal: controller.signal },
      handle: (call) => {
        if (call.path === 'auth/token/renew-self') return authAnswer('t0', 3600);
        if (call.path === 'kv/a') return { data: { k: 'v' } };
        return undefined;
      },
    });
    await run.until(() => run.time.pending === 2, 'token and refresh loops to wait');
    // Many cycles on one signal must not pile up listeners (a renewer sleeps thousands of times).
    for (let i = 0; i < 20; i++) {
      await run.time.advance(60_000);
      await run.until(() => run.time.pending === 2);
    }
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
    const state = join(run.dir, 'state', 'state.json');
    expect((await stat(state)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(state, 'utf8'))).toMatchObject({
      version: 1,
      mode: 'agent',
      pid: 4242,
      token: { accessor: 'accessor-of-t0', renewable: true },
      leases: [],
    });
    controller.abort();
    await run.done;
    expect(run.calls.at(-1)).toMatchObject({ path: 'auth/token/revoke-self', token: 't0' });
    expect(run.time.pending).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
