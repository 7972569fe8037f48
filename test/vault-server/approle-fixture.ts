import type { ClientResponse } from './test-client.ts';
import type { VaultServer } from './vault-server.ts';

export interface AppRoleSetup {
  mount?: string;
  role?: string;
  /** Role fields as Vault names them (token_ttl, secret_id_num_uses, ...). */
  fields?: Record<string, unknown>;
  /** Policies to write first: name → HCL. */
  policies?: Record<string, string>;
}

export interface AppRoleHandle {
  mount: string;
  role: string;
  roleId: string;
}

function expectOk(response: ClientResponse, what: string): void {
  if (response.status >= 300)
    throw new Error(`${what} failed: ${response.status} ${response.text}`);
}

/** Enables AppRole (if needed), writes policies and one role; returns its role ID. For tests. */
export async function setupAppRole(
  server: VaultServer,
  setup: AppRoleSetup = {},
): Promise<AppRoleHandle> {
  const mount = setup.mount ?? 'approle';
  const role = setup.role ?? 'app';
  const auths = await server.read('sys/auth');
  if (!auths.body?.data?.[`${mount}/`])
    expectOk(await server.write(`sys/auth/${mount}`, { type: 'approle' }), 'enable approle');
  for (const [name, hcl] of Object.entries(setup.policies ?? {})) {
    expectOk(
      await server.write(`sys/policies/acl/${name}`, { policy: hcl }),
      `write policy ${name}`,
    );
  }
  expectOk(
    await server.write(`auth/${mount}/role/${role}`, setup.fields ?? {}),
    `write role ${role}`,
  );
  const roleId = await server.read(`auth/${mount}/role/${role}/role-id`);
  expectOk(roleId, 'read role-id');
  return { mount, role, roleId: roleId.body.data.role_id };
}

/** Creates a secret ID (wrapped when `wrapTtl` is given) and returns the raw response. */
export function createSecretId(
  server: VaultServer,
  handle: AppRoleHandle,
  body: Record<string, unknown> = {},
  wrapTtl?: string,
): Promise<ClientResponse> {
  return server.request('PUT', `auth/${handle.mount}/role/${handle.role}/secret-id`, {
    body,
    ...(wrapTtl ? { headers: { 'X-Vault-Wrap-TTL': wrapTtl } } : {}),
  });
}

/** Logs in with AppRole (no token sent) and returns the raw response. */
export function login(
  server: VaultServer,
  handle: AppRoleHandle,
  secretId: string,
): Promise<ClientResponse> {
  return server.write(
    `auth/${handle.mount}/login`,
    { role_id: handle.roleId, secret_id: secretId },
    null,
  );
}
