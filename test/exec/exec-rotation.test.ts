import { describe, expect, it } from 'vitest';
import { msg, startKeyturn } from '../e2e/agent-process.ts';
import { expectNoSecrets } from '../e2e/run-keyturn.ts';
import { type ExecWorld, execWorld, fixture, linesAtLeast } from './exec-world.ts';

/** The API key is re-read every 200 ms, so a KV write reaches keyturn quickly. */
const refreshed = `
secrets:
  - { path: secret/app/api, env: { API_KEY: key }, refresh: 200ms }
`;

const isApiRead = (r: { method: string; path: string; status: number }) =>
  r.method === 'GET' && r.path === 'secret/data/app/api' && r.status === 200;

/** Resolves once keyturn has read the API key `count` more times (after this call). */
async function readsAfterNow(world: ExecWorld, count = 1): Promise<void> {
  const from = world.vault.requests.length;
  const seen = () => world.vault.requests.slice(from).filter(isApiRead).length;
  await world.vault.waitFor((r) => isApiRead(r) && seen() >= count, { timeoutMs: 8000 });
}

// Each test starts a server, keyturn and child processes and waits for rotations: on a
// loaded 2-core machine that can take more than the default 20 s.
describe('keyturn exec: rotation', { timeout: 45_000 }, () => {
  it('restarts the child once for a burst of rotations, with the last value', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'rotated-key-v1' });
    const config = await world.config(`exec: { on_change_wait: 2s }\n${refreshed}`);
    await using keyturn = startKeyturn(
      ['exec', '--config', config, '--', ...fixture('print-env.mjs', 'starts.jsonl')],
      { cwd: world.dir, env: await world.env() },
    );
    await linesAtLeast(world, 'starts.jsonl', 1);

    // Two rotations one refresh apart: well inside the 2 s quiet window.
    await world.kv('api', { key: 'rotated-key-v2' });
    await readsAfterNow(world);
    await world.kv('api', { key: 'rotated-key-v3' });
    await readsAfterNow(world);
    await linesAtLeast(world, 'starts.jsonl', 2);
    // Long enough for a second restart to show, if one were coming.
    await readsAfterNow(world, 4);

    const starts = await world.starts('starts.jsonl');
    expect(starts.map((start) => start.env.API_KEY)).toEqual(['rotated-key-v1', 'rotated-key-v3']);
    expect(starts[1]?.pid).not.toBe(starts[0]?.pid);
    expect(keyturn.lines().filter(msg('restarting the child'))).toHaveLength(1);
    // The restarted child ends by the forwarded SIGTERM: 128+15.
    const result = await keyturn.stop('SIGTERM');
    expect(result.code, result.stderr).toBe(143);
    expectNoSecrets(result, {
      v1: 'rotated-key-v1',
      v2: 'rotated-key-v2',
      v3: 'rotated-key-v3',
    });
  });

  it('on_change: signal sends exec.signal instead of restarting', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'signalled-key-v1' });
    const config = await world.config(
      `exec: { on_change: signal, signal: SIGUSR2, on_change_wait: 300ms }\n${refreshed}`,
    );
    await using keyturn = startKeyturn(
      ['exec', '--config', config, '--', ...fixture('record-signals.mjs', 'signals.txt')],
      { cwd: world.dir, env: await world.env() },
    );
    await linesAtLeast(world, 'signals.txt', 1);
    await world.kv('api', { key: 'signalled-key-v2' });
    await linesAtLeast(world, 'signals.txt', 2);
    await readsAfterNow(world, 3);

    expect(await world.lines('signals.txt')).toEqual(['ready', 'SIGUSR2']);
    expect(keyturn.lines().filter(msg('child started'))).toHaveLength(1);
    const result = await keyturn.stop('SIGTERM');
    expect(result.code, result.stderr).toBe(0);
    expectNoSecrets(result, { v1: 'signalled-key-v1', v2: 'signalled-key-v2' });
  });

  it('backs off a child that keeps dying after a restart, then exits with its code', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'crash-key-v1' });
    const config = await world.config(`exec: { on_change_wait: 300ms }\n${refreshed}`);
    // This release works with v1 and exits 3 at once with v2.
    const child = fixture('print-env.mjs', 'starts.jsonl', '--exit-if', 'API_KEY=crash-key-v2:3');
    await using keyturn = startKeyturn(['exec', '--config', config, '--', ...child], {
      cwd: world.dir,
      env: await world.env(),
    });
    await linesAtLeast(world, 'starts.jsonl', 1);
    await world.kv('api', { key: 'crash-key-v2' });
    const result = await keyturn.done;

    expect(result.code, result.stderr).toBe(3);
    const starts = await world.starts('starts.jsonl');
    // The first start, the restart, and three more after 0.5, 1 and 2 s.
    expect(starts.map((start) => start.env.API_KEY)).toEqual([
      'crash-key-v1',
      ...Array(4).fill('crash-key-v2'),
    ]);
    const retries = keyturn.lines().filter(msg('starting it again'));
    expect(retries.map((line) => line.delayMs)).toEqual([500, 1000, 2000]);
    expect(keyturn.lines().some(msg('keeps dying'))).toBe(true);
    expectNoSecrets(result, { v1: 'crash-key-v1', v2: 'crash-key-v2' });
  });

  it('restarts the child with the new credentials when a leased secret is re-fetched at its max TTL', async () => {
    await using world = await execWorld();
    const role = { db_name: 'db', default_ttl: '1s', max_ttl: '3s' };
    expect((await world.vault.write('database/roles/app', role)).status).toBeLessThan(300);
    const config = await world.config(`
exec: { on_change_wait: 200ms }
secrets:
  - { path: database/creds/app, env: { DB_USER: username, DB_PASSWORD: password } }
`);
    await using keyturn = startKeyturn(
      ['exec', '--config', config, '--', ...fixture('print-env.mjs', 'starts.jsonl')],
      { cwd: world.dir, env: await world.env() },
    );
    // The lease reaches its max TTL 3 s after the login; a loaded machine may take longer.
    await linesAtLeast(world, 'starts.jsonl', 2, 15_000);

    const [first, second] = await world.starts('starts.jsonl');
    expect(first?.env.DB_USER).toBeTruthy();
    expect(second?.env.DB_USER).not.toBe(first?.env.DB_USER);
    expect(second?.env.DB_PASSWORD).not.toBe(first?.env.DB_PASSWORD);
    const result = await keyturn.stop('SIGTERM');
    expect(result.code, result.stderr).toBe(143);
    expectNoSecrets(result, {
      first: first?.env.DB_PASSWORD,
      second: second?.env.DB_PASSWORD,
    });
  });
});
