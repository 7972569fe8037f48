import { describe, expect, it } from 'vitest';
import { msg, startKeyturn } from '../e2e/agent-process.ts';
import { eventually } from '../e2e/agent-world.ts';
import { expectNoSecrets, runKeyturn } from '../e2e/run-keyturn.ts';
import { execWorld, fixture, linesAtLeast } from './exec-world.ts';

const secrets = `
secrets:
  - { path: secret/app/api, env: { API_KEY: key } }
`;

/** Whether a pid still names a live process. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('keyturn exec: signals and exit statuses', { timeout: 45_000 }, () => {
  it('forwards HUP, USR1, USR2, INT, QUIT and TERM to the child, in order, and exits with its code', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'api-key-signals' });
    const config = await world.config(`exec: { stop_timeout: 60s }\n${secrets}`);
    const env = await world.env();
    await using keyturn = startKeyturn(
      ['exec', '--config', config, '--', ...fixture('record-signals.mjs', 'signals.txt', '3')],
      { cwd: world.dir, env },
    );
    await linesAtLeast(world, 'signals.txt', 1);
    // keyturn renews beside the child and records it: `status` judges exec like agent.
    await keyturn.waitForLog(msg('renewing'));
    const status = await runKeyturn(['status', '--config', config], { cwd: world.dir });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain('exec');
    const sent = ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGINT', 'SIGQUIT'] as const;
    for (const [index, signal] of sent.entries()) {
      keyturn.child.kill(signal);
      // One at a time: each must have arrived before the next is sent.
      await linesAtLeast(world, 'signals.txt', index + 2);
    }
    const result = await keyturn.stop('SIGTERM');

    expect(result.code, result.stderr).toBe(3);
    expect(await world.lines('signals.txt')).toEqual(['ready', ...sent, 'SIGTERM']);
    expectNoSecrets(result, { wrapped: env.VAULT_SECRET_ID, api: 'api-key-signals' });
  });

  it('exits 128+N when the child is ended by signal N', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'api-key-died' });
    const config = await world.config(secrets);
    const result = await runKeyturn(
      ['exec', '--config', config, '--', ...fixture('die-by.mjs', 'SIGALRM')],
      { cwd: world.dir, env: await world.env() },
    );
    expect(result.code, result.stderr).toBe(128 + 14);
    expect(result.stderr).toContain('was ended by SIGALRM');
    expectNoSecrets(result, { api: 'api-key-died' });
  });

  it('sends SIGKILL to a child that ignores SIGTERM once exec.stop_timeout has passed: 137', async () => {
    await using world = await execWorld();
    await world.kv('api', { key: 'api-key-stubborn' });
    const config = await world.config(`exec: { stop_timeout: 700ms }\n${secrets}`);
    await using keyturn = startKeyturn(
      ['exec', '--config', config, '--', ...fixture('ignore-term.mjs', 'term.txt')],
      { cwd: world.dir, env: await world.env() },
    );
    await linesAtLeast(world, 'term.txt', 1);
    const started = await keyturn.waitForLog(msg('child started'));
    const pid = Number(started.pid);
    const result = await keyturn.stop('SIGTERM');

    expect(result.code, result.stderr).toBe(128 + 9);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(700);
    expect(result.elapsedMs).toBeLessThan(8000);
    expect(await world.lines('term.txt')).toEqual(['ready', 'SIGTERM']);
    expect(keyturn.lines().some(msg('did not stop within 700 ms of SIGTERM'))).toBe(true);
    await eventually(
      async () => alive(pid),
      (isAlive) => !isAlive,
      2000,
    );
    expectNoSecrets(result, { api: 'api-key-stubborn' });
  });

  it('stops the child and exits 75 when the token can no longer be kept alive', async () => {
    // A wrapped secret ID cannot log in twice: at the token's max TTL the renewer must give up.
    await using world = await execWorld({ token_ttl: '4s', token_max_ttl: '8s' });
    await world.kv('api', { key: 'api-key-expiring' });
    const config = await world.config(secrets);
    await using keyturn = startKeyturn(
      ['exec', '--config', config, '--', ...fixture('record-signals.mjs', 'signals.txt', '0')],
      { cwd: world.dir, env: await world.env() },
    );
    const result = await keyturn.done;

    expect(result.code, result.stderr).toBe(75);
    expect(await world.lines('signals.txt'), result.stderr).toEqual(['ready', 'SIGTERM']);
    expect(keyturn.lines().some(msg('cannot be renewed any more'))).toBe(true);
    expectNoSecrets(result, { api: 'api-key-expiring' });
  });
});
