import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  projectedServiceAccountClaims,
  type SigningKey,
  setupKubernetesAuth,
  signJwt,
} from '../vault-server/index.ts';
import { msg, startKeyturn } from './agent-process.ts';
import { writeAgentConfig } from './agent-world.ts';
import { recordTokens } from './fetch-world.ts';
import { expectNoSecrets, logLines, runKeyturn } from './run-keyturn.ts';
import {
  defaultPolicy,
  mountEngines,
  startVaultServer,
  tempDir,
  type VaultServer,
} from './vault-fixture.ts';

const password = 'k8s-db-password-3f9a1c';
const ROLE = {
  bound_service_account_names: 'app',
  bound_service_account_namespaces: 'prod',
  audience: 'vault',
  token_policies: 'app',
  token_ttl: '1h',
};

let signer: SigningKey;
beforeAll(() => {
  signer = generateSigningKey('ES256');
});

/** A pod's projected service-account token, as kubelet mounts it. */
const saToken = (spec: { namespace?: string; audience?: string } = {}) =>
  signJwt(
    signer,
    projectedServiceAccountClaims(
      { name: 'app', namespace: spec.namespace ?? 'prod', audience: spec.audience ?? 'vault' },
      Date.now(),
    ),
  );

async function world(vault: VaultServer, role: Record<string, unknown> = {}) {
  await mountEngines(vault);
  await vault.write('sys/policies/acl/app', { policy: defaultPolicy });
  await vault.write('secret/data/app/db', { data: { username: 'app', password } });
  await setupKubernetesAuth(vault, {
    config: {
      kubernetes_host: 'https://10.0.0.1',
      disable_local_ca_jwt: true,
      pem_keys: [signer.publicKeyPem],
    },
    roleFields: { ...ROLE, ...role },
  });
  return recordTokens(vault);
}

const CONFIG = `auth: { kubernetes: { role: app, jwt: { file: sa/token } } }
secrets:
  - { path: secret/app/db, field: password, to: out/pw }
`;

describe('auth.kubernetes: the pod logs in with its service-account token', () => {
  it('prestart logs in with the token file and names the service account, never the JWT', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const tokens = await world(vault);
    const jwt = saToken();
    await writeFile(join(dir.path, 'sa-token'), jwt);
    const config = await writeAgentConfig(dir.path, CONFIG.replace('sa/token', 'sa-token'));

    const result = await runKeyturn(['prestart', '--config', config, '--log-level', 'debug'], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });

    expect(result.code, result.stderr).toBe(0);
    const login = vault.requests.find((r) => r.path === 'auth/kubernetes/login');
    expect(login).toMatchObject({ status: 200, body: { role: 'app', jwt } });
    expect(logLines(result).find(msg('logged in with Kubernetes'))).toMatchObject({
      method: 'kubernetes',
      role: 'app',
      subject: 'system:serviceaccount:prod:app',
    });
    expectNoSecrets(result, { jwt, password, ...Object.fromEntries(tokens.entries()) });
  });

  it.each([
    ['a token for another audience', { audience: 'kubelet' }, /audience/],
    ['a namespace the role does not bind', { namespace: 'dev' }, /namespace not authorized/],
  ])('%s is refused: 77 with the reason', async (_label, spec, reason) => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    const before = vault.requests.length;
    const jwt = saToken(spec);
    await writeFile(join(dir.path, 'sa-token'), jwt);
    const config = await writeAgentConfig(dir.path, CONFIG.replace('sa/token', 'sa-token'));

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });

    expect(result.code, result.stderr).toBe(77);
    const error = logLines(result).find((l) => l.level === 'error');
    expect(error?.msg).toMatch(/Kubernetes login refused for role "app"/);
    expect(error?.msg).toMatch(reason);
    expect(vault.requests.slice(before).map((r) => r.path)).toEqual(['auth/kubernetes/login']);
    expectNoSecrets(result, { jwt });
  });

  it('an expired service-account token: 77 naming the expiry', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    await world(vault);
    const jwt = signJwt(
      signer,
      projectedServiceAccountClaims(
        { namespace: 'prod', audience: 'vault' },
        Date.now(),
        'expired',
      ),
    );
    await writeFile(join(dir.path, 'sa-token'), jwt);
    const config = await writeAgentConfig(dir.path, CONFIG.replace('sa/token', 'sa-token'));

    const result = await runKeyturn(['prestart', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });

    expect(result.code, result.stderr).toBe(77);
    expect(logLines(result).find((l) => l.level === 'error')?.msg).toMatch(/token is expired/);
    expectNoSecrets(result, { jwt });
  });

  it('agent logs in again at max TTL with the token file kubelet rotated meanwhile', async () => {
    await using vault = await startVaultServer();
    await using dir = await tempDir();
    const tokens = await world(vault, { token_ttl: '2s', token_max_ttl: '3s' });
    const first = saToken();
    await writeFile(join(dir.path, 'sa-token'), first);
    const config = await writeAgentConfig(dir.path, CONFIG.replace('sa/token', 'sa-token'));
    await using agent = startKeyturn(['agent', '--config', config], {
      cwd: dir.path,
      env: { VAULT_ADDR: vault.addr },
    });
    await agent.waitForLog(msg('renewing'));
    // kubelet rotates the projected token long before it expires.
    const second = saToken();
    expect(second).not.toBe(first);
    await writeFile(join(dir.path, 'sa-token'), second);

    const relogin = await vault.waitFor(
      (r) => r.path === 'auth/kubernetes/login' && r.body.jwt === second,
      { timeoutMs: 8000 },
    );

    expect(relogin.status).toBe(200);
    await agent.waitForLog(msg('logging in again with the service-account token re-read'));
    const stopped = await agent.stop('SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(0);
    expectNoSecrets(stopped, {
      first,
      second,
      password,
      ...Object.fromEntries(tokens.entries()),
    });
  });
});
