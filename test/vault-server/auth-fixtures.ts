import type { ClientResponse } from './test-client.ts';
import type { VaultServer } from './vault-server.ts';

export interface AuthSetup {
  mount?: string;
  role?: string;
  /** `auth/<mount>/config` fields as Vault names them. */
  config: Record<string, unknown>;
  /** Role fields as Vault names them. */
  roleFields: Record<string, unknown>;
  /** Policies to write first: name → HCL. */
  policies?: Record<string, string>;
}

export interface AuthHandle {
  mount: string;
  role: string;
}

function expectOk(response: ClientResponse, what: string): void {
  if (response.status >= 300)
    throw new Error(`${what} failed: ${response.status} ${response.text}`);
}

async function setup(server: VaultServer, type: string, s: AuthSetup, defaults: AuthHandle) {
  const mount = s.mount ?? defaults.mount;
  const role = s.role ?? defaults.role;
  const auths = await server.read('sys/auth');
  if (!auths.body?.data?.[`${mount}/`])
    expectOk(await server.write(`sys/auth/${mount}`, { type }), `enable ${type}`);
  for (const [name, hcl] of Object.entries(s.policies ?? {}))
    expectOk(
      await server.write(`sys/policies/acl/${name}`, { policy: hcl }),
      `write policy ${name}`,
    );
  expectOk(await server.write(`auth/${mount}/config`, s.config), `configure ${mount}`);
  expectOk(await server.write(`auth/${mount}/role/${role}`, s.roleFields), `write role ${role}`);
  return { mount, role };
}

/**
 * Enables Kubernetes auth (if needed), writes its config and one role. Pass the signing key's
 * PEM in `config.pem_keys`: the test server checks signatures locally instead of TokenReview.
 */
export function setupKubernetesAuth(server: VaultServer, s: AuthSetup): Promise<AuthHandle> {
  return setup(server, 'kubernetes', s, { mount: 'kubernetes', role: 'app' });
}

/** Enables JWT auth (if needed), writes its config and one role (remember `role_type: "jwt"`). */
export function setupJwtAuth(server: VaultServer, s: AuthSetup): Promise<AuthHandle> {
  return setup(server, 'jwt', s, { mount: 'jwt', role: 'ci' });
}

/** `POST auth/<mount>/login {role, jwt}` without a token; the raw response. */
export function loginWithJwt(
  server: VaultServer,
  handle: AuthHandle,
  jwt: string,
): Promise<ClientResponse> {
  return server.write(`auth/${handle.mount}/login`, { role: handle.role, jwt }, null);
}
