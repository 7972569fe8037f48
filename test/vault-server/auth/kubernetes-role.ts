import { VaultHttpError } from '../backend.ts';
import type { FieldData } from '../engines/field-data.ts';
import { formatGoDuration } from '../go-duration.ts';
import { SYSTEM_MAX_TTL_SECONDS } from '../ttl-math.ts';
import type { AliasNameSource, KubernetesRole } from './kubernetes-backend.ts';
import {
  copyTokenParams,
  newTokenParams,
  parseTokenFields,
  tokenData,
  upgradeLegacyFields,
} from './token-params.ts';

const ALIAS_SOURCES: AliasNameSource[] = ['serviceaccount_uid', 'serviceaccount_name'];

function fail(text: string): never {
  throw new VaultHttpError(400, [text]);
}

export function newKubernetesRole(): KubernetesRole {
  return {
    params: newTokenParams(),
    names: [],
    namespaces: [],
    namespaceSelector: '',
    audience: '',
    aliasNameSource: '',
  };
}

function checkTokenLimits(role: KubernetesRole, warnings: string[]): void {
  const p = role.params;
  if (p.tokenPeriod > SYSTEM_MAX_TTL_SECONDS) {
    const q = (s: number) => JSON.stringify(formatGoDuration(s));
    fail(
      `token period of '${q(p.tokenPeriod)}' is greater than the backend's maximum lease TTL of '${q(SYSTEM_MAX_TTL_SECONDS)}'`,
    );
  }
  if (p.tokenMaxTtl > 0 && p.tokenTtl > p.tokenMaxTtl)
    fail('token ttl should not be greater than token max ttl');
  if (p.tokenMaxTtl > SYSTEM_MAX_TTL_SECONDS) {
    warnings.push(
      "max_ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
    );
  }
}

function applyBindings(role: KubernetesRole, fields: FieldData, create: boolean): void {
  if (fields.has('bound_service_account_names') || create)
    role.names = fields.commaStrings('bound_service_account_names');
  if (role.names.length === 0) fail('"bound_service_account_names" can not be empty');
  if (role.names.length > 1 && role.names.includes('*')) fail('can not mix "*" with values');
  if (fields.has('bound_service_account_namespaces'))
    role.namespaces = fields.commaStrings('bound_service_account_namespaces');
  // Not kept from before: data.Get on every write, so an update without it clears it.
  role.namespaceSelector = fields.string('bound_service_account_namespace_selector');
  if (role.namespaces.length === 0 && role.namespaceSelector === '') {
    fail(
      '"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set',
    );
  }
  if (role.namespaces.length > 1 && role.namespaces.includes('*'))
    fail('can not mix "*" with values');
}

/**
 * POST auth/<mount>/role/:r (path_role.go pathRoleCreateUpdate), checks in its order. Returns
 * the warnings: a role without `audience` always gets one, so such a write answers 200 with
 * `warnings`, not 204.
 */
export function writeKubernetesRole(
  name: string,
  existing: KubernetesRole | undefined,
  fields: FieldData,
): { role: KubernetesRole; warnings: string[] } {
  const role = existing
    ? { ...existing, params: copyTokenParams(existing.params) }
    : newKubernetesRole();
  parseTokenFields(role.params, fields);
  upgradeLegacyFields(role.params, fields);
  const warnings: string[] = [];
  checkTokenLimits(role, warnings);
  applyBindings(role, fields, existing === undefined);
  if (fields.has('audience')) role.audience = fields.string('audience');
  if (role.audience.trim() === '') {
    warnings.push(
      `Role ${name} does not have an audience configured. While audiences are not required, consider specifying one if your use case would benefit from additional JWT claim verification.`,
    );
  }
  if (fields.has('alias_name_source')) {
    const source = fields.string('alias_name_source');
    const keepDefault = source === '' && role.aliasNameSource === '';
    role.aliasNameSource = (keepDefault ? 'serviceaccount_uid' : source) as AliasNameSource;
  } else if (role.aliasNameSource === '') role.aliasNameSource = 'serviceaccount_uid';
  if (!ALIAS_SOURCES.includes(role.aliasNameSource as AliasNameSource))
    fail(`invalid alias_name_source, must be one of: ${ALIAS_SOURCES.join(', ')}`);
  return { role, warnings };
}

/** GET auth/<mount>/role/:r. */
export function kubernetesRoleData(role: KubernetesRole): Record<string, unknown> {
  return {
    alias_name_source: role.aliasNameSource,
    ...(role.audience !== '' ? { audience: role.audience } : {}),
    bound_service_account_names: role.names,
    bound_service_account_namespace_selector: role.namespaceSelector,
    bound_service_account_namespaces: role.namespaces,
    ...tokenData(role.params),
  };
}
