import { describe, expect, it } from 'vitest';
import { certDueAtMs } from '../../src/agent/cert-due-at.ts';
import { withoutVaultVariables } from '../../src/agent/on-change.ts';
import { reloginPlan } from '../../src/auth/approle.ts';
import type { AppRoleConfig } from '../../src/config/config-types.ts';
import { dueActions } from '../../src/outputs/due-actions.ts';
import { planOutputs } from '../../src/outputs/output-plan.ts';
import { resolveStatePaths, stateDirName } from '../../src/state/state-paths.ts';
import { testConfig } from './renewer-harness.ts';

const approle = (
  secretId: AppRoleConfig['secretId'],
  wrapped: AppRoleConfig['wrapped'] = 'auto',
) => ({
  method: 'approle' as const,
  mount: 'approle',
  roleId: { kind: 'literal', value: 'r' } as const,
  secretId,
  wrapped,
});
const UUID = '6a3f2c1e-0b5d-4e8f-9a7c-2d1e0f3b4a5c';

describe('reloginPlan', () => {
  it.each<
    [string, AppRoleConfig['secretId'], AppRoleConfig['wrapped'], Record<string, string>, boolean]
  >([
    [
      'a file, whatever it holds',
      { kind: 'file', path: '/run/sid', removeAfterRead: true },
      true,
      {},
      true,
    ],
    [
      'a plain ID in the environment',
      { kind: 'env', name: 'VAULT_SECRET_ID' },
      'auto',
      { VAULT_SECRET_ID: UUID },
      true,
    ],
    [
      'a wrapping token in the environment',
      { kind: 'env', name: 'VAULT_SECRET_ID' },
      'auto',
      { VAULT_SECRET_ID: 'hvs.CAES' },
      false,
    ],
    [
      'a UUID declared wrapped',
      { kind: 'env', name: 'VAULT_SECRET_ID' },
      true,
      { VAULT_SECRET_ID: UUID },
      false,
    ],
    ['a variable that is gone', { kind: 'env', name: 'VAULT_SECRET_ID' }, 'auto', {}, false],
    ['a plain literal', { kind: 'literal', value: 'not-a-uuid' }, false, {}, true],
  ])('%s → %s', (_, source, wrapped, env, possible) => {
    expect(reloginPlan(approle(source, wrapped), env).possible).toBe(possible);
  });
});

describe('certDueAtMs', () => {
  it.each<
    [string, { notBeforeMs: number; notAfterMs: number; receivedAtMs?: number }, number, number]
  >([
    ['2/3 of a 72 h cert', { notBeforeMs: 0, notAfterMs: 72 * 3_600_000 }, 2 / 3, 48 * 3_600_000],
    [
      'counted from receipt when notBefore is backdated',
      { notBeforeMs: -30_000, notAfterMs: 3_000, receivedAtMs: 0 },
      0.5,
      1_500,
    ],
    [
      'a cert found on disk counts from notBefore',
      { notBeforeMs: -30_000, notAfterMs: 3_000 },
      0.5,
      -13_500,
    ],
    [
      'received after notAfter: due at once',
      { notBeforeMs: 0, notAfterMs: 10, receivedAtMs: 20 },
      0.5,
      20,
    ],
  ])('%s', (_, lifetime, renewAt, expected) => {
    expect(certDueAtMs(lifetime, renewAt)).toBe(expected);
  });
});

describe('dueActions: one rotation, one action per distinct on_change', () => {
  const config = testConfig(`
secrets:
  - { path: a, to: /o/a, on_change: { command: [reload] } }
  - { path: b, to: /o/b, on_change: { command: [reload] } }
  - { path: c, to: /o/files/, format: files, on_change: { signal: SIGHUP, pid_file: /run/app.pid } }
  - { path: d, to: /o/d }
certs:
  - { mount: pki, role: web, common_name: x.service.consul, cert: /o/c.pem, key: /o/k.pem, ca: /o/ca.pem, on_change: { command: [nginx, -s, reload] } }
`);
  it.each<[string, string[], { action: string; files: string[] }[]]>([
    ['nothing written', [], []],
    ['a file without on_change', ['/o/d'], []],
    [
      'two secrets naming the same command',
      ['/o/a', '/o/b'],
      [{ action: 'reload', files: ['/o/a', '/o/b'] }],
    ],
    [
      'a whole certificate set',
      ['/o/c.pem', '/o/k.pem', '/o/ca.pem'],
      [{ action: 'nginx', files: ['/o/c.pem', '/o/k.pem', '/o/ca.pem'] }],
    ],
    [
      'files of a `files` directory',
      ['/o/files/x', '/o/files/y'],
      [{ action: 'SIGHUP', files: ['/o/files/x', '/o/files/y'] }],
    ],
  ])('%s', (_, written, expected) => {
    const due = dueActions(planOutputs(config), written).map((d) => ({
      action: d.action.kind === 'command' ? (d.action.argv[0] ?? '') : d.action.signal,
      files: d.files,
    }));
    expect(due).toEqual(expected);
  });
});

describe('resolveStatePaths', () => {
  const identity = { file: '/app/keyturn.yaml', flags: [] };
  const name = stateDirName(identity);
  it.each<[string, string | undefined, number, Record<string, string>, string]>([
    ['root', undefined, 0, {}, '/run/keyturn'],
    ['a user', undefined, 1000, {}, '/tmp/keyturn-1000'],
    ['a user with TMPDIR', undefined, 1000, { TMPDIR: '/var/tmp' }, '/var/tmp/keyturn-1000'],
    ['KEYTURN_STATE_DIR', undefined, 0, { KEYTURN_STATE_DIR: '/srv/st' }, '/srv/st'],
    ['state_dir', '/work/st', 0, { KEYTURN_STATE_DIR: '/srv/st' }, '/work/st'],
  ])('%s → %s/<config>', (_, stateDir, uid, env, base) => {
    const paths = resolveStatePaths(stateDir === undefined ? {} : { stateDir }, identity, uid, env);
    const dir = `${base}/${name}`;
    expect(paths).toEqual({
      dir,
      stateFile: `${dir}/state.json`,
      lockFile: `${dir}/renewer.lock`,
      logFile: `${dir}/renewer.log`,
    });
  });

  it('gives every config a directory of its own, named for a person', () => {
    const names = [
      stateDirName({ file: '/app/keyturn.yaml', flags: [] }),
      stateDirName({ file: '/other/keyturn.yaml', flags: [] }),
      stateDirName({ file: '/app/keyturn.yaml', flags: ['secret/a=/o/a'] }),
      stateDirName({ flags: ['secret/a=/o/a'] }),
      stateDirName({ flags: ['secret/a=/o/a:key'] }),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toMatch(/^keyturn-[0-9a-f]{12}$/);
    expect(names[3]).toMatch(/^flags-[0-9a-f]{12}$/);
    // The order of --secret flags is not part of the config's identity.
    expect(stateDirName({ flags: ['b=/o/b', 'a=/o/a'] })).toBe(
      stateDirName({ flags: ['a=/o/a', 'b=/o/b'] }),
    );
  });

  it('refuses a relative KEYTURN_STATE_DIR (64), naming it', () => {
    expect(() => resolveStatePaths({}, identity, 0, { KEYTURN_STATE_DIR: 'st' })).toThrow(
      /KEYTURN_STATE_DIR: expected an absolute path/,
    );
  });
});

describe('withoutVaultVariables', () => {
  it('drops every VAULT_* variable and keeps the rest', () => {
    expect(
      withoutVaultVariables({
        VAULT_ADDR: 'x',
        VAULT_SECRET_ID: 's',
        vault_token: 't',
        PATH: '/bin',
        HOME: undefined,
      }),
    ).toEqual({ PATH: '/bin' });
  });
});
