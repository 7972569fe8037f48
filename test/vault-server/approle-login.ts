import type { AppRole, AppRoleBackend, SecretIdEntry } from './approle-backend.ts';
import { VaultHttpError } from './backend.ts';
import { addressInCidrs } from './cidr.ts';
import type { HandlerContext } from './core.ts';
import { sanitizePolicies } from './policy-store.ts';
import { issueToken } from './token-issue.ts';
import { authBlock } from './token-views.ts';
import { type CoreResponse, wrapper } from './wire-response.ts';

const INVALID = 'invalid role or secret ID';

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Go's `%w` of a nil error, which Vault's CIDR messages print verbatim. */
const NIL_WRAP = '%!w(<nil>)';

/**
 * The secret ID half of path_login.go: a limited-use ID is spent *before* its CIDR check,
 * and deleted at its last use; the two CIDR texts differ as Vault's do.
 */
function spendSecretId(
  backend: AppRoleBackend,
  role: AppRole,
  secretId: string,
  address: string,
): SecretIdEntry {
  const entry = backend.secretId(role.name, secretId);
  if (!entry) throw new VaultHttpError(400, [INVALID]);
  if (entry.numUses === 0) {
    if (entry.cidrList.length > 0 && !addressInCidrs(address, entry.cidrList)) {
      throw new VaultHttpError(400, [
        `source address "${address}" unauthorized through CIDR restrictions on the secret ID`,
      ]);
    }
    return entry;
  }
  if (entry.numUses === 1) backend.deleteSecretId(entry);
  else entry.numUses -= 1;
  if (entry.cidrList.length > 0 && !addressInCidrs(address, entry.cidrList)) {
    throw new VaultHttpError(400, [
      `source address "${address}" unauthorized by CIDR restrictions on the secret ID: ${NIL_WRAP}`,
    ]);
  }
  return entry;
}

function renewParamsOf(backend: AppRoleBackend, roleName: string) {
  return () => {
    const role = backend.roles.get(roleName);
    if (!role)
      throw new VaultHttpError(500, [
        `failed to renew entry: role "${roleName}" does not exist during renewal`,
      ]);
    return {
      ttlSeconds: role.tokenTtlSeconds,
      maxTtlSeconds: role.tokenMaxTtlSeconds,
      periodSeconds: role.tokenPeriodSeconds,
    };
  };
}

/** POST auth/<mount>/login {role_id, secret_id}: Vault's checks, texts and token settings. */
export function approleLogin(ctx: HandlerContext, backend: AppRoleBackend): CoreResponse {
  const body = ctx.req.body;
  const address = ctx.req.remoteAddress;
  const roleId = field(body, 'role_id');
  if (roleId === '') throw new VaultHttpError(400, ['missing role_id']);
  const role = backend.roleByRoleId(roleId);
  if (!role) throw new VaultHttpError(400, [INVALID]);
  let entry: SecretIdEntry | undefined;
  if (role.bindSecretId) {
    const secretId = field(body, 'secret_id');
    if (secretId === '') throw new VaultHttpError(400, ['missing secret_id']);
    entry = spendSecretId(backend, role, secretId, address);
  }
  if (role.secretIdBoundCidrs.length > 0 && !addressInCidrs(address, role.secretIdBoundCidrs)) {
    throw new VaultHttpError(400, [
      `source address "${address}" unauthorized by CIDR restrictions on the role: ${NIL_WRAP}`,
    ]);
  }
  const metadata = { ...(entry?.metadata ?? {}), role_name: role.name };
  const {
    entry: token,
    ttlSeconds,
    warnings,
  } = issueToken(ctx.core, {
    type: role.tokenType === 'batch' ? 'batch' : 'service',
    policies: sanitizePolicies(role.tokenPolicies, !role.tokenNoDefaultPolicy),
    path: `auth/${backend.mountPath}login`,
    meta: metadata,
    displayName: backend.mountPath.replace(/\/$/, ''),
    numUses: role.tokenNumUses,
    parent: null,
    ttlSeconds: role.tokenTtlSeconds,
    maxTtlSeconds: role.tokenMaxTtlSeconds,
    explicitMaxTtlSeconds: role.tokenExplicitMaxTtlSeconds,
    periodSeconds: role.tokenPeriodSeconds,
    renewable: role.tokenType !== 'batch',
    entityId: role.entityId,
    boundCidrs:
      entry && entry.tokenBoundCidrs.length > 0 ? entry.tokenBoundCidrs : role.tokenBoundCidrs,
    renewParams: renewParamsOf(backend, role.name),
  });
  return wrapper({ auth: authBlock(token, ttlSeconds), warnings, mountType: 'approle' });
}
