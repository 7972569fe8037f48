import { VaultDataError } from '../errors/keyturn-error.ts';
import { explainRefusal, type LauncherCall } from './issue-secret-id.ts';

/** The role ID a container needs beside its wrapped secret ID (`GET auth/<mount>/role/R/role-id`). */
export async function readRoleId(
  target: { mount: string; role: string },
  call: LauncherCall,
): Promise<string> {
  const path = `auth/${target.mount}/role/${target.role}/role-id`;
  const response = await call.retrier
    .idempotent('role ID read', () =>
      call.client.request<{ role_id?: string }>('GET', path, { token: call.token }),
    )
    .catch((error: unknown) => {
      throw explainRefusal(error, { ...target, wrapTtlSeconds: 0 }, path, 'read');
    });
  const roleId = response?.data?.role_id;
  if (typeof roleId !== 'string' || roleId === '')
    throw new VaultDataError(`Vault answered GET ${path} without data.role_id`);
  return roleId;
}
