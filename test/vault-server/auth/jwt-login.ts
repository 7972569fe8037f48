import { VaultHttpError } from '../backend.ts';
import { addressInCidrs } from '../cidr.ts';
import type { HandlerContext } from '../core.ts';
import { FieldData } from '../engines/field-data.ts';
import type { CoreResponse } from '../wire-response.ts';
import { ALL_ALGS } from './jws.ts';
import type { JwtBackend, JwtConfig, JwtRole } from './jwt-backend.ts';
import {
  extractMetadata,
  getClaim,
  goFormat,
  normalizeList,
  validateBoundClaims,
} from './jwt-claims.ts';
import { validatorKeySet } from './jwt-config.ts';
import { JwtValidationError, validateJwt } from './jwt-validator.ts';
import { grantToken } from './login-token.ts';

function fail(text: string): never {
  throw new VaultHttpError(400, [text]);
}

/** getRoleNameAndRoleFromLoginRequest: the role is lower-cased, `default_role` is taken as written. */
function findRole(backend: JwtBackend, config: JwtConfig, fields: FieldData): [string, JwtRole] {
  const roleName = fields.string('role').toLowerCase() || config.defaultRole;
  if (roleName === '') fail('missing role');
  const role = backend.roles.get(roleName);
  if (!role) fail(`role ${JSON.stringify(roleName)} could not be found`);
  return [roleName, role];
}

async function validate(
  ctx: HandlerContext,
  backend: JwtBackend,
  config: JwtConfig,
  role: JwtRole,
  jwt: string,
) {
  const keySet = await validatorKeySet(backend, config);
  try {
    return await validateJwt(jwt, keySet, {
      algorithms: config.jwtSupportedAlgs.length > 0 ? config.jwtSupportedAlgs : ALL_ALGS,
      issuer: config.boundIssuer,
      subject: role.boundSubject,
      audiences: role.boundAudiences ?? [],
      notBeforeLeewaySeconds: role.notBeforeLeeway,
      expirationLeewaySeconds: role.expirationLeeway,
      clockSkewLeewaySeconds: role.clockSkewLeeway,
      nowMs: ctx.core.clock.now(),
    });
  } catch (error) {
    if (error instanceof JwtValidationError) fail(`error validating token: ${error.message}`);
    throw error;
  }
}

/** With no bound audiences, any `aud` in the token is refused. */
function checkUnboundAudience(role: JwtRole, claims: Record<string, unknown>): void {
  if ((role.boundAudiences ?? []).length > 0) return;
  const aud = getClaim(claims, 'aud');
  if ((Array.isArray(aud) && aud.length > 0) || (typeof aud === 'string' && aud !== ''))
    fail('audience claim found in JWT but no audiences bound to the role');
}

/** createIdentity: alias name from `user_claim`, metadata from `claim_mappings` + `role`, groups checked. */
function identity(roleName: string, role: JwtRole, claims: Record<string, unknown>) {
  const raw = role.userClaimJsonPointer ? getClaim(claims, role.userClaim) : claims[role.userClaim];
  if (raw === undefined || raw === null)
    fail(`claim ${JSON.stringify(role.userClaim)} not found in token`);
  if (typeof raw !== 'string')
    fail(`claim ${JSON.stringify(role.userClaim)} could not be converted to string`);
  let metadata: Record<string, string>;
  try {
    metadata = extractMetadata(claims, role.claimMappings ?? {});
  } catch (error) {
    return fail((error as Error).message);
  }
  metadata.role = roleName;
  if (role.groupsClaim !== '') {
    const groups = getClaim(claims, role.groupsClaim);
    const quoted = JSON.stringify(role.groupsClaim);
    if (groups === undefined) fail(`failed to fetch groups: ${quoted} claim not found in token`);
    const list = normalizeList(groups);
    if (!list) fail(`${quoted} claim could not be converted to string list`);
    const bad = list.find((g) => typeof g !== 'string');
    if (bad !== undefined)
      fail(`value ${goFormat(bad)} in groups claim could not be parsed as string`);
  }
  return { aliasName: raw, metadata };
}

/** POST auth/<mount>/login {role, jwt} (path_login.go pathLogin): every refusal is a 400, in Vault's order. */
export async function jwtLogin(ctx: HandlerContext, backend: JwtBackend): Promise<CoreResponse> {
  const config = backend.config;
  if (!config) fail('could not load configuration');
  const fields = new FieldData(ctx.req.body);
  const [roleName, role] = findRole(backend, config, fields);
  if (role.roleType === 'oidc') fail('role with oidc role_type is not allowed');
  const jwt = fields.string('jwt');
  if (jwt === '') fail('missing token');
  const cidrs = role.params.tokenBoundCidrs;
  if (cidrs.length > 0 && !addressInCidrs(ctx.req.remoteAddress, cidrs))
    throw new VaultHttpError(403, ['permission denied']);
  const claims = await validate(ctx, backend, config, role, jwt);
  checkUnboundAudience(role, claims);
  const { aliasName, metadata } = identity(roleName, role, claims);
  try {
    validateBoundClaims(role.boundClaimsType, role.boundClaims ?? {}, claims);
  } catch (error) {
    fail(`error validating claims: ${(error as Error).message}`);
  }
  return grantToken(ctx, {
    mountPath: backend.mountPath,
    mountType: backend.mountType,
    roleName,
    params: role.params,
    metadata,
    displayName: aliasName,
    entityId: backend.entityIdFor(aliasName),
    lookupRole: (name) => backend.roles.get(name)?.params,
  });
}
