import type { AppRole } from './approle-backend.ts';
import { VaultHttpError } from './backend.ts';
import { durationField } from './go-duration.ts';
import { stringList } from './policy-store.ts';

const TOKEN_TYPES = ['service', 'batch', 'default', 'default-service', 'default-batch'];

function intField(body: Record<string, unknown>, name: string, current: number): number {
  const raw = body[name];
  if (raw === undefined || raw === null) return current;
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw new VaultHttpError(400, [`error converting input ${String(raw)} for field "${name}"`]);
  if (value < 0) throw new VaultHttpError(400, [`${name} cannot be negative`]);
  return value;
}

function has(body: Record<string, unknown>, name: string): boolean {
  return body[name] !== undefined && body[name] !== null;
}

/** Applies a role write (create or update) with Vault's field names, aliases and checks. */
export function applyRoleFields(role: AppRole, body: Record<string, unknown>): void {
  if (has(body, 'bind_secret_id'))
    role.bindSecretId = body.bind_secret_id === true || body.bind_secret_id === 'true';
  if (has(body, 'secret_id_bound_cidrs'))
    role.secretIdBoundCidrs = stringList(body.secret_id_bound_cidrs);
  else if (has(body, 'bound_cidr_list')) role.secretIdBoundCidrs = stringList(body.bound_cidr_list);
  role.secretIdNumUses = intField(body, 'secret_id_num_uses', role.secretIdNumUses);
  role.secretIdTtlSeconds = durationField(body, 'secret_id_ttl', role.secretIdTtlSeconds);
  role.tokenTtlSeconds = durationField(body, 'token_ttl', role.tokenTtlSeconds);
  role.tokenMaxTtlSeconds = durationField(body, 'token_max_ttl', role.tokenMaxTtlSeconds);
  role.tokenPeriodSeconds = durationField(
    body,
    'token_period',
    durationField(body, 'period', role.tokenPeriodSeconds),
  );
  role.tokenNumUses = intField(body, 'token_num_uses', role.tokenNumUses);
  role.tokenExplicitMaxTtlSeconds = durationField(
    body,
    'token_explicit_max_ttl',
    role.tokenExplicitMaxTtlSeconds,
  );
  if (has(body, 'token_policies')) role.tokenPolicies = stringList(body.token_policies);
  else if (has(body, 'policies')) role.tokenPolicies = stringList(body.policies);
  if (has(body, 'token_bound_cidrs')) role.tokenBoundCidrs = stringList(body.token_bound_cidrs);
  if (has(body, 'token_no_default_policy'))
    role.tokenNoDefaultPolicy = body.token_no_default_policy === true;
  if (has(body, 'token_type')) {
    const type = String(body.token_type);
    if (!TOKEN_TYPES.includes(type))
      throw new VaultHttpError(400, [`invalid 'token_type' value ${JSON.stringify(type)}`]);
    role.tokenType = type.replace('default-', '') as AppRole['tokenType'];
  }
  if (role.tokenMaxTtlSeconds > 0 && role.tokenTtlSeconds > role.tokenMaxTtlSeconds) {
    throw new VaultHttpError(400, ['token_ttl should not be greater than token_max_ttl']);
  }
  if (
    !role.bindSecretId &&
    role.secretIdBoundCidrs.length === 0 &&
    role.tokenBoundCidrs.length === 0
  ) {
    throw new VaultHttpError(400, ['at least one constraint should be enabled on the role']);
  }
}

/** The role as `GET auth/approle/role/:r` shows it. */
export function roleData(role: AppRole): Record<string, unknown> {
  return {
    bind_secret_id: role.bindSecretId,
    local_secret_ids: false,
    policies: role.tokenPolicies,
    period: role.tokenPeriodSeconds,
    secret_id_bound_cidrs: role.secretIdBoundCidrs,
    secret_id_num_uses: role.secretIdNumUses,
    secret_id_ttl: role.secretIdTtlSeconds,
    token_bound_cidrs: role.tokenBoundCidrs,
    token_explicit_max_ttl: role.tokenExplicitMaxTtlSeconds,
    token_max_ttl: role.tokenMaxTtlSeconds,
    token_no_default_policy: role.tokenNoDefaultPolicy,
    token_num_uses: role.tokenNumUses,
    token_period: role.tokenPeriodSeconds,
    token_policies: role.tokenPolicies,
    token_ttl: role.tokenTtlSeconds,
    token_type: role.tokenType,
  };
}
