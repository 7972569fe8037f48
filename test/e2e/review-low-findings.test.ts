import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authWorld, errorMessage } from './auth-world.ts';
import { startRewriteProxy } from './rewrite-proxy.ts';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import { tempDir } from './vault-fixture.ts';

/* Issue 12, Low 8–11, each through the built CLI. */

describe('the creation path of a wrapping token names one role (Low 8)', () => {
  it.each([
    'auth/approle/role/../secret-id',
    'auth/approle/role/./secret-id',
    'auth/approle/role/ /secret-id',
    'auth/approle/role/a%2Fb/secret-id',
    'auth/approle/role/-x/secret-id',
  ])('%s → 77 "possible interception", never unwrapped', async (creationPath) => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: true');
    await using proxy = await startRewriteProxy(w.vault.addr, (path, body) =>
      path === 'sys/wrapping/lookup'
        ? body.replace(
            /"creation_path":"[^"]*"/g,
            `"creation_path":${JSON.stringify(creationPath)}`,
          )
        : body,
    );
    const result = await w.prestart(config, {
      env: { VAULT_ADDR: proxy.addr, VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: wrapped },
    });
    expect(result.code, result.stderr).toBe(77);
    expect(errorMessage(result)).toMatch(/possible interception/);
    expect(w.paths()).not.toContain('sys/wrapping/unwrap');
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
  });
});

describe('give_up_after bounds the last attempt too (Low 9)', () => {
  it('a server that accepts and never answers: exit 69 by give_up_after, not after the 20 s request timeout', async () => {
    await using dir = await tempDir();
    const sockets = new Set<Socket>();
    const slowloris = createServer((socket) => {
      sockets.add(socket); // accepted, read, never answered
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => slowloris.listen(0, '127.0.0.1', resolve));
    const { port } = slowloris.address() as { port: number };
    try {
      await writeFile(
        join(dir.path, 'keyturn.yaml'),
        'vault: { timeout: 20s, retry: { initial: 50ms, max: 200ms, give_up_after: 2s } }\nsecrets:\n  - { path: secret/app/x, format: json, to: out/x.json }\n',
      );
      const started = Date.now();
      const result = await runKeyturn(['prestart', '--config', join(dir.path, 'keyturn.yaml')], {
        cwd: dir.path,
        env: {
          VAULT_ADDR: `http://127.0.0.1:${port}`,
          VAULT_ROLE_ID: 'role-id-slow',
          VAULT_SECRET_ID: 'f1b1a4b2-6ef1-4a1a-9d7c-3c1c0e2d9a11',
        },
        timeoutMs: 30_000,
      });
      const elapsed = Date.now() - started;
      expect(result.code, result.stderr).toBe(69);
      expect(errorMessage(result)).toMatch(/gave up after .* \(give_up_after\)/);
      // Start-up (Node, config) plus 2 s; the old behaviour took the whole 20 s timeout.
      expect(elapsed).toBeLessThan(8_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      slowloris.close();
    }
  }, 40_000);
});

describe('plain http:// to another machine is warned about (Low 10)', () => {
  it('warns at start for http:// to a non-loopback host, not for 127.0.0.1', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: true');
    const port = new URL(w.vault.addr).port;
    // 0.0.0.0 reaches this machine, but it is not a loopback name: the warning must show.
    const far = await w.prestart(config, {
      env: {
        VAULT_ADDR: `http://0.0.0.0:${port}`,
        VAULT_ROLE_ID: w.app.roleId,
        VAULT_SECRET_ID: wrapped,
      },
    });
    const warning = logLines(far).find((l) => /unencrypted/.test(String(l.msg)));
    expect(warning?.level, far.stderr).toBe('warn');
    const near = await w.prestart(config, {
      env: { VAULT_ROLE_ID: w.app.roleId, VAULT_SECRET_ID: await w.app.wrappedSecretId() },
    });
    expect(near.code, near.stderr).toBe(0);
    expect(logLines(near).some((l) => /unencrypted/.test(String(l.msg)))).toBe(false);
  });
});

describe('config mistakes found before anything is sent (Low 11)', () => {
  it.each([
    [
      'a destination inside state_dir',
      'state_dir: st\nsecrets:\n  - { path: secret/a, format: json, to: st/a.json }\n',
      /keyturn\.yaml:3:\d+: secrets\[0\]\.to: st\/a\.json is inside state_dir st/,
    ],
    [
      'a template written over its own source',
      'templates:\n  - { source: app.tmpl, to: ./app.tmpl }\n',
      /keyturn\.yaml:2:\d+: templates\[0\]\.to: \.\/app\.tmpl is the template's own source/,
    ],
    [
      'timeout: 1ns',
      'vault: { timeout: 1ns }\nsecrets: []\n',
      /keyturn\.yaml:1:\d+: vault\.timeout: "1ns" is shorter than 1ms/,
    ],
  ])('%s → 64 with file and line', async (_name, yaml, message) => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'keyturn.yaml'), yaml);
    const result = await runKeyturn(['config', 'check', join(dir.path, 'keyturn.yaml')], {
      cwd: dir.path,
    });
    expect(result.code, result.stderr).toBe(64);
    expect(errorMessage(result)).toMatch(message);
  });

  it('an --input-json secret ID with whitespace → 64, not 77, and nothing is sent', async () => {
    await using w = await authWorld();
    const wrapped = await w.app.wrappedSecretId();
    const config = await w.writeConfig('wrapped: true');
    const before = w.vault.requests.length;
    const result = await w.prestart(
      config,
      {
        env: { VAULT_ROLE_ID: w.app.roleId },
        stdin: JSON.stringify({ secretId: `${wrapped.slice(0, 8)} ${wrapped.slice(8)}` }),
      },
      ['--input-json'],
    );
    expect(result.code, result.stderr).toBe(64);
    expect(errorMessage(result)).toContain('"secretId" contains whitespace');
    expect(w.vault.requests.length).toBe(before);
    expectNoSecrets(result, { wrapped, roleId: w.app.roleId });
  });
});
