import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authAnswer, leaseAnswer, vaultError } from './fake-vault.ts';
import { startRenewer, testConfig } from './renewer-harness.ts';

describe('renew-leases', () => {
  it('renews a lease at 2/3 of its TTL, fetches it again when Vault no longer knows it, rewrites both files and signals once', async () => {
    const kills: [number, string][] = [];
    const leaseRenewals = [leaseAnswer('database/creds/app/L0', 30)];
    const config = (dir: string) =>
      testConfig(
        `
secrets:
  - path: database/creds/app
    name: db
    format: json
    to: out/creds.json
    on_change: { signal: SIGHUP, pid_file: app.pid }
templates:
  - { source: db.tmpl, to: out/db.ini, on_change: { signal: SIGHUP, pid_file: app.pid } }
`,
        dir,
      );
    await using run = await startRenewer({
      config,
      ttlSeconds: 3600,
      secrets: [
        {
          data: { username: 'u0', password: 'p0' },
          lease: { id: 'database/creds/app/L0', durationMs: 30_000, renewable: true },
        },
      ],
      extra: { kill: (pid, signal) => kills.push([pid, signal]) },
      handle: (call) => {
        if (call.path === 'sys/leases/renew') {
          return leaseRenewals.shift() ?? vaultError('PUT', call.path, 400, ['lease not found']);
        }
        if (call.path.startsWith('sys/internal/ui/mounts/'))
          return { data: { path: 'database/', type: 'database', options: null } };
        if (call.path === 'database/creds/app')
          return leaseAnswer('database/creds/app/L1', 30, { username: 'u1', password: 'p1' });
        if (call.path === 'auth/token/renew-self') return authAnswer('t0', 3600);
        return undefined;
      },
    });
    await writeFile(join(run.dir, 'db.tmpl'), 'user={{secrets.db.username}}\n');
    await writeFile(join(run.dir, 'app.pid'), '4321\n');
    await run.until(() => run.time.pending === 2);
    expect(run.time.requested).toContain(20_000);
    await run.time.advance(20_000);
    await run.until(() => run.time.requested.filter((ms) => ms === 20_000).length === 2);
    await run.time.advance(20_000);
    await run.until(() => run.calls.some((c) => c.path === 'database/creds/app'), 'the re-fetch');
    // on_change_wait (default 1s): the action runs once the files have been quiet that long.
    await run.until(() => run.time.requested.includes(1000), 'the on_change wait');
    await run.time.advance(1000);
    await run.until(() => kills.length === 1, 'the on_change signal');
    const leaseCalls = run.calls.filter((c) => c.path === 'sys/leases/renew');
    expect(leaseCalls.map((c) => [c.at, c.body?.lease_id])).toEqual([
      [20_000, 'database/creds/app/L0'],
      [40_000, 'database/creds/app/L0'],
    ]);
    expect(run.calls.find((c) => c.path === 'database/creds/app')).toMatchObject({ at: 40_000 });
    expect(await readFile(join(run.dir, 'out', 'db.ini'), 'utf8')).toBe('user=u1\n');
    expect(JSON.parse(await readFile(join(run.dir, 'out', 'creds.json'), 'utf8'))).toEqual({
      password: 'p1',
      username: 'u1',
    });
    // Two files changed in one rotation: one signal.
    await run.until(() => run.out.lines.some((l) => l.msg === 'on_change done'));
    expect(kills).toEqual([[4321, 'SIGHUP']]);
    // The new lease is renewed on its own schedule.
    await run.until(() => run.time.pending === 2);
    await run.time.advance(20_000);
    await run.until(() => run.calls.filter((c) => c.path === 'sys/leases/renew').length === 3);
    expect(run.calls.filter((c) => c.path === 'sys/leases/renew').at(-1)).toMatchObject({
      at: 60_000,
      body: { lease_id: 'database/creds/app/L1' },
    });
  });
});
