import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateDirName } from '../../src/state/state-paths.ts';
import { configStateDir } from './config-state-dir.ts';
import { filesWorld } from './files-world.ts';
import { startRewriteProxy } from './rewrite-proxy.ts';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';

/*
 * Issue 12, Medium 6 and Low 7: numbers and shapes a hostile (or broken) Vault can send.
 * The test server stays faithful; a proxy in front of it rewrites its answers.
 */

type World = Awaited<ReturnType<typeof filesWorld>>;

async function prestartThrough(world: World, addr: string) {
  const wrapped = await world.app.wrappedSecretId();
  const result = await runKeyturn(
    ['prestart', '--config', join(world.dir, 'keyturn.yaml'), '--log-level', 'debug'],
    {
      cwd: world.dir,
      env: { VAULT_ADDR: addr, VAULT_ROLE_ID: world.app.roleId, VAULT_SECRET_ID: wrapped },
    },
  );
  return { ...result, wrapped };
}

const setLoginLease = (value: string) => (path: string, body: string) =>
  path === 'auth/approle/login'
    ? body.replace(/("auth":\{[\s\S]*?"lease_duration":)\d+/, `$1${value}`)
    : body;

describe('Vault numbers are validated at the boundary', () => {
  it('a token TTL of 1e30 is clamped: prestart 0, a sane expiry in the state, status not 70', async () => {
    await using world = await filesWorld();
    await world.vault.write('kv/app/db', { user: 'numbers-user-1' });
    await world.config(
      'state_dir: state\nsecrets:\n  - { path: kv/app/db, format: json, to: out/db.json }\n',
    );
    await using proxy = await startRewriteProxy(world.vault.addr, setLoginLease('1e30'));
    const run = await prestartThrough(world, proxy.addr);
    expect(run.code, run.stderr).toBe(0);
    const state = JSON.parse(
      await readFile(join(await configStateDir(join(world.dir, 'state')), 'state.json'), 'utf8'),
    );
    expect(state.token.expiresAt).toBeLessThan(8.64e15);
    const status = await runKeyturn(['status', '--config', join(world.dir, 'keyturn.yaml')], {
      cwd: world.dir,
    });
    expect([0, 1], status.stdout + status.stderr).toContain(status.code);
    expectNoSecrets(run, world.handled({ user: 'numbers-user-1' }));
  });

  it('a negative lease_duration is data keyturn cannot use (65), nothing written', async () => {
    await using world = await filesWorld();
    await world.vault.write('kv/app/db', { user: 'numbers-user-2' });
    await world.config(
      'state_dir: state\nsecrets:\n  - { path: kv/app/db, format: json, to: out/db.json }\n',
    );
    await using proxy = await startRewriteProxy(world.vault.addr, setLoginLease('-5'));
    const run = await prestartThrough(world, proxy.addr);
    expect(run.code, run.stderr).toBe(65);
    expect(run.stderr).toContain('negative auth.lease_duration (-5)');
    expect(existsSync(join(world.dir, 'out'))).toBe(false);
    expectNoSecrets(run, world.handled({ user: 'numbers-user-2' }));
  });

  it('a corrupt state file is "unreadable" (1), not an internal error', async () => {
    await using world = await filesWorld();
    await world.config('state_dir: state\nsecrets: []\n');
    const configDir = join(
      world.dir,
      'state',
      stateDirName({ file: join(world.dir, 'keyturn.yaml'), flags: [] }),
    );
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    const corrupt = {
      version: 1,
      startedAt: 'x',
      mode: 'prestart',
      token: { accessor: 'a', expiresAt: 1e33, renewable: false },
      files: [],
      certs: [{ path: 1, notAfter: 'soon' }],
      leases: [],
    };
    for (const text of [JSON.stringify(corrupt), '{"version":1', 'null', '[]']) {
      await writeFile(join(configDir, 'state.json'), text, { mode: 0o600 });
      const status = await runKeyturn(['status', '--config', join(world.dir, 'keyturn.yaml')], {
        cwd: world.dir,
      });
      expect(status.code, `${text}: ${status.stdout}${status.stderr}`).toBe(1);
      expect(status.stdout + status.stderr).toMatch(/unreadable|cannot read/);
      expect(status.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('secret data Vault cannot mean', () => {
  it.each([
    ['a string', '"abcdefghijklmno"', 'a string'],
    ['a number', '42', 'a number'],
    ['an array', '["a","b"]', 'an array'],
  ])('KV v1 data that is %s → 65 naming the path, no file', async (_name, data, kind) => {
    await using world = await filesWorld();
    await world.vault.write('kv/app/shape', { user: 'shape-user' });
    await world.config('secrets:\n  - { path: kv/app/shape, format: files, to: out/shape/ }\n');
    await using proxy = await startRewriteProxy(world.vault.addr, (path, body) =>
      path === 'kv/app/shape' ? body.replace(/"data":\{[^}]*\}/, `"data":${data}`) : body,
    );
    const run = await prestartThrough(world, proxy.addr);
    expect(run.code, run.stderr).toBe(65);
    const error = logLines(run).find((l) => l.level === 'error');
    expect(String(error?.msg)).toContain(
      `kv/app/shape: Vault returned ${kind} as the secret's data`,
    );
    expect(
      existsSync(join(world.dir, 'out', 'shape'))
        ? await readdir(join(world.dir, 'out', 'shape'))
        : [],
    ).toEqual([]);
  });

  it('keeps integers beyond 2^53 exact in json, yaml, raw and env files', async () => {
    await using world = await filesWorld();
    await world.vault.write('kv/app/big', { n: 1 });
    await world.config(`secrets:
  - { path: kv/app/big, format: json, to: out/big.json }
  - { path: kv/app/big, format: yaml, to: out/big.yaml }
  - { path: kv/app/big, format: env, to: out/big.env }
  - { path: kv/app/big, field: n, to: out/big.raw }
`);
    const big = '123456789012345678901234567890';
    await using proxy = await startRewriteProxy(world.vault.addr, (path, body) =>
      path === 'kv/app/big' ? body.replace('"n":1', `"n":${big}`) : body,
    );
    const run = await prestartThrough(world, proxy.addr);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(world.dir, 'out/big.json'), 'utf8')).toBe(`{\n  "n": ${big}\n}\n`);
    expect(await readFile(join(world.dir, 'out/big.yaml'), 'utf8')).toBe(`n: ${big}\n`);
    expect(await readFile(join(world.dir, 'out/big.env'), 'utf8')).toContain(`n='${big}'`);
    expect(await readFile(join(world.dir, 'out/big.raw'), 'utf8')).toBe(big);
  });
});
