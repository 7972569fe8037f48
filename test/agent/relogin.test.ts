import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RestartMeError } from '../../src/errors/keyturn-error.ts';
import { authAnswer, leaseAnswer, vaultError } from './fake-vault.ts';
import { startRenewer, testConfig } from './renewer-harness.ts';

const SECRET_ID = '6a3f2c1e-0b5d-4e8f-9a7c-2d1e0f3b4a5c';
const NEXT_SECRET_ID = '0f9e8d7c-6b5a-4c3d-8e1f-a2b3c4d5e6f7';

async function secretIdFile(value: string) {
  const dir = await mkdtemp(join(tmpdir(), 'keyturn-sid-'));
  const path = join(dir, 'secret-id');
  await writeFile(path, `${value}\n`);
  return { path, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

describe('renew-token: logging in again', () => {
  it('re-reads a secret ID file, logs in, fetches the leased secret under the new token before the old one expires, and renews the new token', async () => {
    await using sid = await secretIdFile(SECRET_ID);
    const config = (dir: string) =>
      testConfig(
        `
auth: { approle: { role_id: role-1, secret_id: { file: ${sid.path} } } }
secrets:
  - { path: database/creds/app, format: json, to: out/creds.json }
`,
        dir,
      );
    let logins = 0;
    await using run = await startRenewer({
      config,
      ttlSeconds: 60,
      secrets: [
        {
          data: { username: 'u0', password: 'p0-secret-value' },
          lease: { id: 'database/creds/app/L0', durationMs: 3_600_000, renewable: true },
        },
      ],
      handle: (call) => {
        if (call.path === 'auth/token/renew-self') {
          return call.token === 't0'
            ? vaultError('POST', call.path, 400, ['past the max TTL, cannot renew'])
            : authAnswer(String(call.token), 60);
        }
        if (call.path === 'auth/approle/login') return authAnswer(`t${++logins}`, 60);
        if (call.path.startsWith('sys/internal/ui/mounts/'))
          return { data: { path: 'database/', type: 'database', options: null } };
        if (call.path === 'database/creds/app')
          return leaseAnswer('database/creds/app/L1', 3600, {
            username: 'u1',
            password: 'p1-secret-value',
          });
        return undefined;
      },
    });
    await run.until(() => run.time.pending === 2, 'token and lease loops to wait');
    // The launcher replaced the file meanwhile: the new ID is the one used.
    await writeFile(sid.path, NEXT_SECRET_ID);
    await run.time.advance(40_000);
    await run.until(() => run.calls.some((c) => c.path === 'database/creds/app'));
    await run.until(() => run.time.requested.includes(40_000) && run.time.pending === 2);
    const login = run.calls.find((c) => c.path === 'auth/approle/login');
    expect(login).toMatchObject({
      at: 40_000,
      body: { role_id: 'role-1', secret_id: NEXT_SECRET_ID },
    });
    expect(run.calls.find((c) => c.path === 'database/creds/app')).toMatchObject({
      at: 40_000,
      token: 't1',
    });
    const creds = JSON.parse(await readFile(join(run.dir, 'out', 'creds.json'), 'utf8'));
    expect(creds).toEqual({ password: 'p1-secret-value', username: 'u1' });
    await run.time.advance(40_000);
    await run.until(() => run.calls.filter((c) => c.path === 'auth/token/renew-self').length === 2);
    expect(run.calls.at(-1)).toMatchObject({
      path: 'auth/token/renew-self',
      at: 80_000,
      token: 't1',
    });
    const state = JSON.parse(await readFile(join(run.dir, 'state', 'state.json'), 'utf8'));
    expect(state.token.accessor).toBe('accessor-of-t1');
    expect(state.leases).toEqual([
      { id: 'database/creds/app/L1', path: 'database/creds/app', expiresAt: 40_000 + 3_600_000 },
    ]);
    expect(JSON.stringify(run.out.lines)).not.toMatch(/p1-secret-value|p0-secret-value/);
  });

  it('exits 75 shortly before expiry when Vault refuses the new login', async () => {
    await using sid = await secretIdFile(SECRET_ID);
    await using run = await startRenewer({
      config: testConfig(
        `auth: { approle: { role_id: role-1, secret_id: { file: ${sid.path} } } }`,
      ),
      ttlSeconds: 60,
      handle: (call) =>
        call.path === 'auth/approle/login'
          ? vaultError('POST', call.path, 400, ['invalid role or secret ID'])
          : vaultError('POST', call.path, 400, ['past the max TTL, cannot renew']),
    });
    await run.until(() => run.time.pending === 1);
    await run.time.advance(40_000);
    await run.until(() =>
      run.out.lines.some(
        (l) => l.level === 50 && String(l.msg).includes('logging in again failed'),
      ),
    );
    // One login attempt only (a refusal is final), then wait: 20 s left → exit 1 s early.
    expect(run.calls.filter((c) => c.path === 'auth/approle/login')).toHaveLength(1);
    let ended = false;
    run.done.catch(() => {
      ended = true;
    });
    await run.time.advance(18_999);
    expect(ended).toBe(false);
    await run.time.advance(1);
    await expect(run.done).rejects.toBeInstanceOf(RestartMeError);
  });
});
