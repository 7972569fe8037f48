import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorMessage } from './auth-world.ts';
import { examplePath, fastVault, launcherWorld } from './launcher-world.ts';
import { expectNoSecrets, runKeyturn } from './run-keyturn.ts';

const WRAP_PATH = 'auth/approle/role/app/secret-id';

// Each test spawns keyturn up to five times: seconds apiece on a loaded 2-core machine.
describe('keyturn issue-secret-id: a trusted launcher hands out wrapped secret IDs', {
  timeout: 90_000,
}, () => {
  it('VAULT_TOKEN: stdout is only the wrapping token, which a container unwraps once into a secret ID of the role', async () => {
    await using world = await launcherWorld();
    const before = world.vault.requests.length;
    const result = await world.keyturn(
      [
        'issue-secret-id',
        '--role',
        'app',
        '--metadata',
        'job=deploy-42',
        '--metadata',
        'repo=acme/app',
        '--cidr',
        '127.0.0.1/32',
        '--num-uses',
        '1',
        '--ttl',
        '10m',
      ],
      { VAULT_TOKEN: world.ciToken },
    );

    expect(result.code, result.stderr).toBe(0);
    const token = result.stdout.trim();
    expect(result.stdout).toBe(`${token}\n`);
    expect(token).toMatch(/^hvs\./);
    const sent = world.vault.requests.slice(before).find((r) => r.path === WRAP_PATH);
    expect(sent).toMatchObject({
      wrapTtl: '120s',
      status: 200,
      body: {
        metadata: JSON.stringify({ job: 'deploy-42', repo: 'acme/app' }),
        cidr_list: ['127.0.0.1/32'],
        num_uses: 1,
        ttl: 600,
      },
    });
    const lookup = await world.vault.request('POST', 'sys/wrapping/lookup', { body: { token } });
    expect(lookup.body.data).toMatchObject({ creation_path: WRAP_PATH, creation_ttl: 120 });
    const first = await world.unwrap(token);
    expect(first.status).toBe(200);
    expect((await world.unwrap(token)).status).toBe(400);
    const secretId = await world.vault.write('auth/approle/role/app/secret-id/lookup', {
      secret_id: first.secretId,
    });
    expect(secretId.body.data.metadata).toEqual({ job: 'deploy-42', repo: 'acme/app' });
    // The launcher's own token is the CI's: used as it is, never revoked by keyturn.
    expect(world.vault.requests.slice(before).map((r) => r.path)).not.toContain(
      'auth/token/revoke-self',
    );
    expectNoSecrets(
      { ...result, stdout: '' },
      { ciToken: world.ciToken, token, secretId: first.secretId },
    );
  });

  it('--json gives the wrap info; --destroy with its wrapped_accessor removes the secret ID, and again is "already gone"', async () => {
    await using world = await launcherWorld();
    const env = { VAULT_TOKEN: world.ciToken };
    const issued = await world.keyturn(
      ['issue-secret-id', '--role', 'app', '--json', '--wrap-ttl', '1m'],
      env,
    );
    expect(issued.code, issued.stderr).toBe(0);
    const info = JSON.parse(issued.stdout);
    expect(Object.keys(info)).toEqual([
      'token',
      'accessor',
      'ttl',
      'creation_path',
      'wrapped_accessor',
    ]);
    expect(info).toMatchObject({ ttl: 60, creation_path: WRAP_PATH });
    expect(issued.stderr).toContain(info.wrapped_accessor); // logged: accessors are not secret

    const destroy = ['issue-secret-id', '--role', 'app', '--destroy', info.wrapped_accessor];
    const destroyed = await world.keyturn(destroy, { VAULT_TOKEN: world.vault.rootToken });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toBe('');
    expect(destroyed.stderr).toContain('destroyed the secret ID');
    const unwrapped = await world.unwrap(info.token);
    expect(unwrapped.accessor).toBe(info.wrapped_accessor);
    const login = await world.vault.write(
      'auth/approle/login',
      { role_id: world.app.roleId, secret_id: unwrapped.secretId },
      null,
    );
    expect(login.status).toBe(400);
    const again = await world.keyturn(destroy, { VAULT_TOKEN: world.vault.rootToken });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('already gone');
    // The CI policy may not destroy: 77, naming the path it would need.
    const narrow = await world.keyturn(destroy, env);
    expect(narrow.code).toBe(77);
    expect(errorMessage(narrow)).toContain(
      'auth/approle/role/app/secret-id-accessor/destroy" (or "auth/approle/role/+/secret-id-accessor/destroy") { capabilities = ["update"] }',
    );
    expectNoSecrets(issued.stderr === '' ? issued : { ...issued, stdout: '' }, {
      token: info.token,
      ciToken: world.ciToken,
    });
  });

  it('--role-id prints the role ID; without read on role-id the error names that path (77)', async () => {
    await using world = await launcherWorld();
    const ok = await world.keyturn(['issue-secret-id', '--role', 'app', '--role-id'], {
      VAULT_TOKEN: world.ciToken,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`${world.app.roleId}\n`);

    const denied = await world.keyturn(['issue-secret-id', '--role', 'app', '--role-id'], {
      VAULT_TOKEN: world.narrowToken,
    });
    expect(denied.code).toBe(77);
    expect(errorMessage(denied)).toContain(
      'may not read auth/approle/role/app/role-id. Its policy needs path "auth/approle/role/app/role-id"',
    );
    expectNoSecrets(denied, { ciToken: world.narrowToken, roleId: world.app.roleId });
  });

  it('--token-file: the token is read from the file', async () => {
    await using world = await launcherWorld();
    const file = await world.write('ci-token', `${world.ciToken}\n`);
    const result = await world.keyturn(['issue-secret-id', '--role', 'app', '--token-file', file]);
    expect(result.code, result.stderr).toBe(0);
    expect((await world.unwrap(result.stdout.trim())).status).toBe(200);
    expectNoSecrets({ ...result, stdout: '' }, { ciToken: world.ciToken });
  });

  it('--config with a jwt auth block: the CI logs in with its OIDC token, issues, and revokes its own token', async () => {
    await using world = await launcherWorld();
    const jwt = world.jwt();
    const before = world.vault.requests.length;
    const result = await world.keyturn(
      ['issue-secret-id', '--config', examplePath('keyturn-ci.yaml'), '--role', 'app'],
      { CI_JOB_JWT: jwt },
    );
    expect(result.code, result.stderr).toBe(0);
    const paths = world.vault.requests.slice(before).map((r) => `${r.path} ${r.status}`);
    expect(paths).toEqual(['auth/jwt/login 200', `${WRAP_PATH} 200`, 'auth/token/revoke-self 204']);
    expect((await world.unwrap(result.stdout.trim())).status).toBe(200);
    expect(result.stderr).toContain('"subject":"repo:acme/app:ref:refs/heads/main"');
    expectNoSecrets({ ...result, stdout: '' }, { jwt });
  });

  it('never logs in with the AppRole of a ./keyturn.yaml (or $KEYTURN_CONFIG) it finds: 64, nothing sent', async () => {
    await using world = await launcherWorld();
    const secretId = await world.app.wrappedSecretId();
    const config = `${fastVault}\nauth: { approle: { role_id: { env: VAULT_ROLE_ID } } }\n`;
    await world.write('keyturn.yaml', config);
    const before = world.vault.requests.length;
    const env = { VAULT_ROLE_ID: world.app.roleId, VAULT_SECRET_ID: secretId };
    const extras: Record<string, string>[] = [
      {},
      { KEYTURN_CONFIG: join(world.dir, 'keyturn.yaml') },
    ];
    for (const extra of extras) {
      const result = await world.keyturn(['issue-secret-id', '--role', 'app'], {
        ...env,
        ...extra,
      });
      expect(result.code).toBe(64);
      expect(errorMessage(result)).toContain(
        'no token for the launcher: set VAULT_TOKEN, pass --token-file FILE, or pass --config FILE',
      );
      expectNoSecrets(result, { secretId, roleId: world.app.roleId });
    }
    expect(world.vault.requests.slice(before)).toEqual([]);
    // The application's wrapped secret ID is untouched.
    expect((await world.unwrap(secretId)).status).toBe(200);
  });
});

describe('issue-secret-id refusals', { timeout: 60_000 }, () => {
  it('a missing role: 64 naming it', async () => {
    await using world = await launcherWorld();
    const result = await world.keyturn(['issue-secret-id', '--role', 'ghost'], {
      VAULT_TOKEN: world.ciToken,
    });
    expect(result.code).toBe(64);
    expect(errorMessage(result)).toBe(
      'AppRole role "ghost" does not exist at auth/approle/role/ghost',
    );
    expect(result.stdout).toBe('');
  });

  it('no such mount: 64 naming --mount', async () => {
    await using world = await launcherWorld();
    const result = await world.keyturn(['issue-secret-id', '--role', 'app', '--mount', 'nope'], {
      VAULT_TOKEN: world.vault.rootToken,
    });
    expect(result.code).toBe(64);
    expect(errorMessage(result)).toContain('no auth method is mounted at auth/nope/');
  });

  it.each([
    ['a token without the CI policy', 'default', []],
    ['a wrap TTL above max_wrapping_ttl', 'ci', ['--wrap-ttl', '10m']],
    ['a wrap TTL below min_wrapping_ttl', 'ci', ['--wrap-ttl', '5s']],
  ])('%s: 77 naming the policy path it needs', async (_what, policy, flags) => {
    await using world = await launcherWorld();
    const token = (await world.vault.write('auth/token/create', { policies: [policy] })).body.auth
      .client_token;
    const result = await world.keyturn(['issue-secret-id', '--role', 'app', ...flags], {
      VAULT_TOKEN: token,
    });
    expect(result.code).toBe(77);
    expect(errorMessage(result)).toContain(
      `permission denied: the launcher's token may not update ${WRAP_PATH}. Its policy needs path "${WRAP_PATH}" (or "auth/approle/role/+/secret-id") { capabilities = ["update"] }, and any min_wrapping_ttl/max_wrapping_ttl on it must allow --wrap-ttl`,
    );
    expect(result.stdout).toBe('');
    expectNoSecrets(result, { token });
  });

  it('a dead launcher token: 77 saying so', async () => {
    await using world = await launcherWorld();
    const result = await world.keyturn(['issue-secret-id', '--role', 'app'], {
      VAULT_TOKEN: 'hvs.not-a-token-at-all',
    });
    expect(result.code).toBe(77);
    expect(errorMessage(result)).toContain('invalid token');
    expectNoSecrets(result, { token: 'hvs.not-a-token-at-all' });
  });

  it('Vault unreachable: 69 once give_up_after has passed', async () => {
    await using world = await launcherWorld();
    const addr = world.vault.addr;
    await world.vault.stop();
    const config = await world.write('launcher.yaml', `${fastVault}\n`);
    const result = await runKeyturn(['issue-secret-id', '--role', 'app', '--config', config], {
      env: { VAULT_ADDR: addr, VAULT_TOKEN: world.ciToken },
    });
    expect(result.code).toBe(69);
    expect(result.stdout).toBe('');
    expectNoSecrets(result, { ciToken: world.ciToken });
  });

  it('bad flags: 64 naming each, before anything is sent', async () => {
    await using world = await launcherWorld();
    const before = world.vault.requests.length;
    const result = await world.keyturn(
      [
        'issue-secret-id',
        '--role',
        'app',
        '--wrap-ttl',
        'soon',
        '--num-uses',
        '-1',
        '--metadata',
        'novalue',
        '--ttl',
        '1.5s',
      ],
      { VAULT_TOKEN: world.ciToken },
    );
    expect(result.code).toBe(64);
    const message = errorMessage(result);
    for (const flag of ['--wrap-ttl', '--num-uses "-1"', '--metadata "novalue"', '--ttl 1.5s'])
      expect(message).toContain(flag);
    expect(world.vault.requests.slice(before)).toEqual([]);
  });
});
