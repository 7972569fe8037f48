import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ciOidcClaims,
  generateSigningKey,
  type SigningKey,
  setupJwtAuth,
  signJwt,
} from '../vault-server/index.ts';
import { type RunOptions, type RunResult, runKeyturn } from './run-keyturn.ts';
import { type AppRoleSetup, setupApp, startVaultServer, tempDir } from './vault-fixture.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const examplePath = (name: string) => join(repoRoot, 'examples/ci', name);

/** Fast failure settings for a launcher config: a retry loop shows up as seconds, not minutes. */
export const fastVault =
  'vault: { timeout: 2s, retry: { initial: 50ms, max: 200ms, give_up_after: 2s } }';

export const AUDIENCE = 'vault';
export const dbPassword = 'launch-db-password-5c2e';

export interface LauncherWorld extends AsyncDisposable {
  vault: Awaited<ReturnType<typeof startVaultServer>>;
  dir: string;
  app: AppRoleSetup;
  /** A token holding the example CI policies (ci-policy.hcl, launcher-policy.hcl). */
  ciToken: string;
  /** A token with only ci-policy.hcl: no role-id read. */
  narrowToken: string;
  /** A CI OIDC token for the jwt role `ci` (repository acme/app, audience `vault`). */
  jwt(claims?: Record<string, unknown>): string;
  /** `keyturn ARGS` in `dir` with VAULT_ADDR set (plus `env`). */
  keyturn(args: string[], env?: Record<string, string>, options?: RunOptions): Promise<RunResult>;
  /** Unwraps a wrapping token as a container would: the secret ID inside, or the error status. */
  unwrap(token: string): Promise<{ status: number; secretId?: string; accessor?: string }>;
  /** Writes a file in `dir`, returns its path. */
  write(name: string, text: string): Promise<string>;
}

/**
 * The launcher tests' world: AppRole role `app` reading secret/app/db, the example CI policies
 * from examples/ci (so the examples are what is tested), JWT auth with role `ci` bound to a
 * GitHub-style repository claim, and two CI tokens.
 */
export async function launcherWorld(): Promise<LauncherWorld> {
  const vault = await startVaultServer();
  const temp = await tempDir();
  const signer: SigningKey = generateSigningKey('ES256');
  await vault.write('secret/data/app/db', { data: { password: dbPassword } });
  const app = await setupApp(vault);
  for (const name of ['ci', 'launcher']) {
    const policy = await readFile(examplePath(`${name}-policy.hcl`), 'utf8');
    const written = await vault.write(`sys/policies/acl/${name}`, { policy });
    if (written.status !== 204) throw new Error(`policy ${name}: ${written.text}`);
  }
  await setupJwtAuth(vault, {
    config: { jwt_validation_pubkeys: [signer.publicKeyPem] },
    roleFields: {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: AUDIENCE,
      bound_claims: { repository: 'acme/app' },
      token_policies: 'ci,launcher',
      token_ttl: '10m',
    },
  });
  const token = async (policies: string[]) =>
    (await vault.write('auth/token/create', { policies })).body.auth.client_token as string;
  const ciToken = await token(['ci', 'launcher']);
  const narrowToken = await token(['ci']);
  const dir = temp.path;
  return {
    vault,
    dir,
    app,
    ciToken,
    narrowToken,
    jwt: (claims = {}) =>
      signJwt(
        signer,
        ciOidcClaims(
          { audience: AUDIENCE, claims: { repository: 'acme/app', ...claims } },
          Date.now(),
          'valid',
          300,
        ),
      ),
    keyturn: (args, env = {}, options = {}) =>
      runKeyturn(args, { cwd: dir, ...options, env: { VAULT_ADDR: vault.addr, ...env } }),
    unwrap: async (wrapping) => {
      const res = await vault.request('POST', 'sys/wrapping/unwrap', { token: wrapping });
      return {
        status: res.status,
        secretId: res.body?.data?.secret_id,
        accessor: res.body?.data?.secret_id_accessor,
      };
    },
    write: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    [Symbol.asyncDispose]: async () => {
      await vault.close();
      await temp[Symbol.asyncDispose]();
    },
  };
}
