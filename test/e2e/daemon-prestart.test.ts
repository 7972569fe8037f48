import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configStateDir } from './config-state-dir.ts';
import {
  daemonWorld,
  isAlive,
  killRenewers,
  procStat,
  readToken,
  renewersIn,
  startDaemon,
  waitUntil,
} from './daemon-world.ts';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

afterEach(killRenewers);

describe('keyturn prestart --daemon', () => {
  it('exits 0 and leaves a renewer in its own session that keeps the token alive without logging in', async () => {
    const { vault, app } = await daemonWorld('3s');
    await using _vault = vault;
    await using dir = await tempDir();
    const { result, secretId, pid } = await startDaemon(vault, app, dir.path);
    expect(result.code, result.stderr).toBe(0);
    const exitedAt = Date.now();
    expect(pid).toBeTypeOf('number');
    const renewer = pid as number;
    const token = await readToken(dir.path);

    expect(isAlive(renewer)).toBe(true);
    const { sid, ppid } = await procStat(renewer);
    expect(sid).toBe(renewer); // setsid(): its own session, no controlling terminal
    expect(ppid).not.toBe(process.pid);
    // The token went over the pipe: not in argv, not in the environment.
    const cmdline = await readFile(`/proc/${renewer}/cmdline`, 'utf8');
    const environ = await readFile(`/proc/${renewer}/environ`, 'utf8');
    for (const [label, text] of [
      ['cmdline', cmdline],
      ['environ', environ],
    ] as const) {
      expect(text.includes(token), `token in ${label}`).toBe(false);
      expect(text.includes(secretId), `secret ID in ${label}`).toBe(false);
    }
    expect(environ).not.toContain('VAULT_SECRET_ID');
    expect(cmdline.split('\0')).toContain('__renewer');

    // It renews after the parent exited, with the handed-over token, and never logs in.
    const renewal = await vault.waitFor(
      (r) => r.path === 'auth/token/renew-self' && r.time >= exitedAt,
      { timeoutMs: 8000 },
    );
    expect(renewal.status).toBe(200);
    expect(renewal.tokenSent).toBe(true);
    // Past the token's first 3 s of life, the token keyturn wrote is still valid: it was renewed.
    await vault.waitFor((r) => r.path === 'auth/token/renew-self' && r.time > exitedAt + 3000, {
      timeoutMs: 8000,
    });
    expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(200);
    expect(isAlive(renewer)).toBe(true);
    expect(vault.requests.filter((r) => r.path === 'auth/approle/login')).toHaveLength(1);
    expect(vault.requests.filter((r) => r.path === 'sys/wrapping/unwrap')).toHaveLength(1);

    // The renewer's log is a 0600 file in the state dir, and redacted like every output.
    const logFile = join(await configStateDir(join(dir.path, 'state')), 'renewer.log');
    expect((await stat(logFile)).mode & 0o777).toBe(0o600);
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain('renewer ready');
    const secrets = { token, secretId, roleId: app.roleId, apiKey: 'daemon-api-key-4711' };
    expectNoSecrets({ code: 0, signal: null, stdout: log, stderr: '' }, secrets);
    expectNoSecrets(result, secrets);

    // SIGTERM stops it cleanly: lock released.
    process.kill(renewer, 'SIGTERM');
    await waitUntil('the renewer exits', () => !isAlive(renewer));
    await expect(
      stat(join(await configStateDir(join(dir.path, 'state')), 'renewer.lock')),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('a second prestart --daemon for the same config exits 64 naming the first pid, before spending its secret ID', async () => {
    const { vault, app } = await daemonWorld('1h');
    await using _vault = vault;
    await using dir = await tempDir();
    const first = await startDaemon(vault, app, dir.path);
    expect(first.result.code, first.result.stderr).toBe(0);
    const before = vault.requests.length;

    const second = await startDaemon(vault, app, dir.path);
    expect(second.result.code).toBe(64);
    expect(second.result.stderr).toContain(`pid ${first.pid}`);
    // Refused before anything was sent: the second secret ID is still unspent.
    expect(
      vault.requests.slice(before).filter((r) => r.path !== 'auth/approle/role/app/secret-id'),
    ).toEqual([]);
    expect(await renewersIn(dir.path)).toEqual([first.pid]);

    // `keyturn agent` takes the same lock.
    const agentSecretId = await app.wrappedSecretId();
    const agent = await runKeyturn(['agent', '--config', first.config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr, VAULT_ROLE_ID: app.roleId, VAULT_SECRET_ID: agentSecretId },
    });
    expect(agent.code).toBe(64);
    expect(agent.stderr).toContain(`pid ${first.pid}`);
    expect(vault.requests.filter((r) => r.path === 'auth/approle/login')).toHaveLength(1);

    const token = await readToken(dir.path);
    expectNoSecrets(agent, { token, secretId: agentSecretId, roleId: app.roleId });
    for (const run of [first, second]) {
      expectNoSecrets(run.result, { token, secretId: run.secretId, roleId: app.roleId });
    }
  });

  it('a refused secret ID: exits 77 and leaves no renewer', async () => {
    const { vault, app } = await daemonWorld('1h');
    await using _vault = vault;
    await using dir = await tempDir();
    const wrapped = await app.wrappedSecretId();
    await vault.request('POST', 'sys/wrapping/unwrap', { token: wrapped }); // spent elsewhere
    const { result } = await startDaemon(vault, app, dir.path, { secretId: wrapped });
    expect(result.code).toBe(77);
    expect(await renewersIn(dir.path)).toEqual([]);
    expect(logLines(result).some((l) => l.msg === 'renewer running')).toBe(false);
    expectNoSecrets(result, { wrapped, roleId: app.roleId });
  });

  it('a renewer that cannot start (metrics port taken): exits non-zero, revokes the token, leaves no renewer', async () => {
    const { vault, app } = await daemonWorld('1h');
    await using _vault = vault;
    await using dir = await tempDir();
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { result, secretId } = await startDaemon(vault, app, dir.path, {
        args: ['--metrics-addr', `127.0.0.1:${port}`],
      });
      expect(result.code, result.stderr).toBe(64);
      expect(result.stderr).toContain(`127.0.0.1:${port}`);
      expect(await renewersIn(dir.path)).toEqual([]);
      const token = await readToken(dir.path);
      expect((await vault.request('GET', 'auth/token/lookup-self', { token })).status).toBe(403);
      await expect(
        stat(join(await configStateDir(join(dir.path, 'state')), 'renewer.lock')),
      ).rejects.toMatchObject({
        code: 'ENOENT',
      });
      expectNoSecrets(result, { token, secretId, roleId: app.roleId });
    } finally {
      blocker.close();
    }
  });
});

describe('the renewer command is internal', () => {
  it('is not listed by --help', async () => {
    const help = await runKeyturn(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('prestart');
    expect(help.stdout).not.toContain('__renewer');
    expectNoSecrets(help, {});
  });
});
