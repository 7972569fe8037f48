import { VaultHttpError } from '../backend.ts';
import type { FieldData } from '../engines/field-data.ts';
import { formatGoDuration } from '../go-duration.ts';
import { SYSTEM_MAX_TTL_SECONDS } from '../ttl-math.ts';
import type { JwtRole } from './jwt-backend.ts';
import { fromRequestJson, goFormat, normalizeList, toResponseJson } from './jwt-claims.ts';
import {
  copyTokenParams,
  newTokenParams,
  parseTokenFields,
  secondsField,
  tokenData,
  upgradeLegacyFields,
} from './token-params.ts';

function fail(text: string): never {
  throw new VaultHttpError(400, [text]);
}

export function newJwtRole(): JwtRole {
  return {
    params: newTokenParams(),
    roleType: 'oidc',
    expirationLeeway: 0,
    notBeforeLeeway: 0,
    clockSkewLeeway: 0,
    boundAudiences: null,
    boundSubject: '',
    boundClaimsType: 'string',
    boundClaims: null,
    claimMappings: null,
    userClaim: '',
    userClaimJsonPointer: false,
    groupsClaim: '',
    oidcScopes: null,
    allowedRedirectUris: null,
    verboseOidcLogging: false,
    maxAge: 0,
  };
}

/** TypeSignedDurationSecond fields: kept only when sent; −1 is a valid value ("no leeway"). */
function applyLeeways(role: JwtRole, fields: FieldData): void {
  role.expirationLeeway = secondsField(fields, 'expiration_leeway', role.expirationLeeway);
  role.notBeforeLeeway = secondsField(fields, 'not_before_leeway', role.notBeforeLeeway);
  role.clockSkewLeeway = secondsField(fields, 'clock_skew_leeway', role.clockSkewLeeway);
}

function applyBoundClaims(role: JwtRole, fields: FieldData): void {
  // Not kept from before: the field default ("string") applies on every write.
  const type = fields.string('bound_claims_type', 'string');
  if (type !== 'string' && type !== 'glob') fail(`invalid 'bound_claims_type': ${type}`);
  role.boundClaimsType = type;
  const bound = fields.map('bound_claims');
  if (!bound) return;
  role.boundClaims = fromRequestJson(bound) as Record<string, unknown>;
  if (type !== 'glob') return;
  for (const values of Object.values(role.boundClaims)) {
    const list = normalizeList(values);
    if (!list) fail(`claim is not a string or list: ${goFormat(values)}`);
    for (const value of list)
      if (typeof value !== 'string') fail(`claim is not a string: ${goFormat(value)}`);
  }
}

function applyClaimMappings(role: JwtRole, fields: FieldData): void {
  const raw = fields.map('claim_mappings');
  if (!raw) return;
  const mappings = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  const targets = new Set<string>();
  for (const target of Object.values(mappings)) {
    if (target === 'role')
      fail(
        `metadata key ${JSON.stringify(target)} is reserved and may not be a mapping destination`,
      );
    if (targets.has(target))
      fail(`multiple keys are mapped to metadata key ${JSON.stringify(target)}`);
    targets.add(target);
  }
  role.claimMappings = mappings;
}

function applyStrings(role: JwtRole, fields: FieldData): void {
  if (fields.has('bound_audiences')) role.boundAudiences = fields.commaStrings('bound_audiences');
  if (fields.has('bound_subject')) role.boundSubject = fields.string('bound_subject');
  role.verboseOidcLogging = fields.bool('verbose_oidc_logging', role.verboseOidcLogging);
  role.maxAge = secondsField(fields, 'max_age', role.maxAge);
}

function checkConstraints(role: JwtRole, fields: FieldData): void {
  if (fields.has('user_claim')) role.userClaim = fields.string('user_claim');
  if (role.userClaim === '') fail('a user claim must be defined on the role');
  role.userClaimJsonPointer = fields.bool('user_claim_json_pointer', role.userClaimJsonPointer);
  if (fields.has('groups_claim')) role.groupsClaim = fields.string('groups_claim');
  if (fields.has('oidc_scopes')) role.oidcScopes = fields.commaStrings('oidc_scopes');
  if (fields.has('allowed_redirect_uris'))
    role.allowedRedirectUris = fields.commaStrings('allowed_redirect_uris');
  if (role.roleType === 'oidc' && (role.allowedRedirectUris ?? []).length === 0)
    fail("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
  const p = role.params;
  const unbound =
    (role.boundAudiences ?? []).length === 0 &&
    p.tokenBoundCidrs.length === 0 &&
    role.boundSubject === '' &&
    Object.keys(role.boundClaims ?? {}).length === 0;
  if (role.roleType !== 'oidc' && unbound)
    fail('must have at least one bound constraint when creating/updating a role');
  if (p.tokenMaxTtl > 0 && p.tokenTtl > p.tokenMaxTtl)
    fail('ttl should not be greater than max ttl');
}

/**
 * POST auth/<mount>/role/:r (path_role.go pathRoleCreateUpdate), checks in its order.
 * `role_type` defaults to `oidc` on every write, updates included.
 */
export function writeJwtRole(
  existing: JwtRole | undefined,
  fields: FieldData,
): { role: JwtRole; warnings: string[] } {
  const role = existing ? { ...existing, params: copyTokenParams(existing.params) } : newJwtRole();
  const roleType = fields.string('role_type') || 'oidc';
  if (roleType !== 'jwt' && roleType !== 'oidc') fail(`invalid 'role_type': ${roleType}`);
  role.roleType = roleType;
  parseTokenFields(role.params, fields);
  upgradeLegacyFields(role.params, fields);
  if (role.params.tokenPeriod > SYSTEM_MAX_TTL_SECONDS) {
    const q = (s: number) => JSON.stringify(formatGoDuration(s));
    fail(
      `'period' of '${q(role.params.tokenPeriod)}' is greater than the backend's maximum lease TTL of '${q(SYSTEM_MAX_TTL_SECONDS)}'`,
    );
  }
  applyLeeways(role, fields);
  applyStrings(role, fields);
  applyBoundClaims(role, fields);
  applyClaimMappings(role, fields);
  checkConstraints(role, fields);
  const warnings: string[] = [];
  if (role.params.tokenMaxTtl > SYSTEM_MAX_TTL_SECONDS) {
    warnings.push(
      "token max ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
    );
  }
  if (role.verboseOidcLogging) {
    warnings.push(
      'verbose_oidc_logging has been enabled for this role. This is not recommended in production since sensitive information may be present in OIDC responses.',
    );
  }
  return { role, warnings };
}

/** GET auth/<mount>/role/:r. */
export function jwtRoleData(role: JwtRole): Record<string, unknown> {
  return {
    allowed_redirect_uris: role.allowedRedirectUris,
    bound_audiences: role.boundAudiences,
    bound_claims: toResponseJson(role.boundClaims),
    bound_claims_type: role.boundClaimsType,
    bound_subject: role.boundSubject,
    claim_mappings: role.claimMappings,
    clock_skew_leeway: role.clockSkewLeeway,
    expiration_leeway: role.expirationLeeway,
    groups_claim: role.groupsClaim,
    max_age: role.maxAge,
    not_before_leeway: role.notBeforeLeeway,
    oidc_scopes: role.oidcScopes,
    role_type: role.roleType,
    user_claim: role.userClaim,
    user_claim_json_pointer: role.userClaimJsonPointer,
    verbose_oidc_logging: role.verboseOidcLogging,
    ...tokenData(role.params),
  };
}
