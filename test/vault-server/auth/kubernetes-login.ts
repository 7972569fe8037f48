import { VaultHttpError } from '../backend.ts';
import { addressInCidrs } from '../cidr.ts';
import type { HandlerContext } from '../core.ts';
import { FieldData } from '../engines/field-data.ts';
import { globMatch } from '../engines/glob-match.ts';
import type { CoreResponse } from '../wire-response.ts';
import { JwtValidationError, validateJwt } from './jwt-validator.ts';
import { staticKeySet, unverifiedKeySet } from './key-sets.ts';
import type { KubernetesBackend, KubernetesConfig, KubernetesRole } from './kubernetes-backend.ts';
import { type ServiceAccount, serviceAccountOf } from './kubernetes-service-account.ts';
import { grantToken } from './login-token.ts';

/** The algorithms Kubernetes signs service account tokens with (no EdDSA, no HMAC). */
const K8S_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

const denied = () => new VaultHttpError(403, ['permission denied']);
const forbidden = (text: string) => new VaultHttpError(403, [text]);

function required(fields: FieldData, name: string): string {
  const value = fields.string(name);
  if (value === '') throw new VaultHttpError(400, [`missing ${name}`]);
  return value;
}

/**
 * parseAndValidateJWT: cap's ValidateAllowMissingIatNbfExp with default leeways, the issuer
 * only when `disable_iss_validation` is false *and* `issuer` is set, the role's `audience`.
 * Signature failures become a bare 403 `permission denied`; other texts pass through as 403.
 */
async function validate(
  ctx: HandlerContext,
  jwt: string,
  role: KubernetesRole,
  config: KubernetesConfig,
): Promise<ServiceAccount> {
  const keySet =
    config.publicKeys.length > 0 ? staticKeySet(config.publicKeys) : unverifiedKeySet(K8S_ALGS);
  try {
    const claims = await validateJwt(jwt, keySet, {
      algorithms: K8S_ALGS,
      ...(!config.disableIssValidation && config.issuer ? { issuer: config.issuer } : {}),
      ...(role.audience ? { audiences: [role.audience] } : {}),
      nowMs: ctx.core.clock.now(),
      allowMissingTimes: true,
    });
    return serviceAccountOf(claims);
  } catch (error) {
    if (!(error instanceof JwtValidationError)) throw error;
    if (error.message.includes('verifying token signature')) throw denied();
    throw forbidden(error.message);
  }
}

function checkBindings(role: KubernetesRole, sa: ServiceAccount): void {
  const anyName = role.names.length === 1 && role.names[0] === '*';
  if (!anyName && !role.names.some((glob) => globMatch(glob, sa.name)))
    throw forbidden('service account name not authorized');
  const ns = role.namespaces;
  const allowed =
    ns.length > 0 && (ns[0] === '*' || ns.some((glob) => globMatch(glob, sa.namespace)));
  // A namespace selector would need the Kubernetes API, which the test server does not have.
  if (!allowed) throw forbidden('namespace not authorized');
}

function aliasName(role: KubernetesRole, sa: ServiceAccount): string {
  if (role.aliasNameSource === 'serviceaccount_name') {
    if (sa.namespace === '' || sa.name === '')
      throw new VaultHttpError(500, ['service account namespace and name must be set']);
    return `${sa.namespace}/${sa.name}`;
  }
  if (sa.uid === '') throw new VaultHttpError(500, ['could not parse UID from claims']);
  return sa.uid;
}

/**
 * POST auth/<mount>/login {role, jwt} (path_login.go), checks in Vault's order.
 *
 * TEST SERVER DIFFERENCE: real Vault then asks the cluster's TokenReview API whether the token
 * is still valid. This server never calls Kubernetes; the local signature check against
 * `pem_keys` stands in for TokenReview, so it accepts tokens of service accounts deleted since
 * (and with no `pem_keys` it answers 403 `permission denied`, as Vault does when TokenReview fails).
 */
export async function kubernetesLogin(
  ctx: HandlerContext,
  backend: KubernetesBackend,
): Promise<CoreResponse> {
  const fields = new FieldData(ctx.req.body);
  const roleName = required(fields, 'role');
  const jwt = required(fields, 'jwt');
  const role = backend.role(roleName);
  if (!role) throw new VaultHttpError(400, [`invalid role name ${JSON.stringify(roleName)}`]);
  const cidrs = role.params.tokenBoundCidrs;
  if (cidrs.length > 0 && !addressInCidrs(ctx.req.remoteAddress, cidrs)) throw denied();
  const config = backend.config;
  if (!config) throw new VaultHttpError(500, ['could not load backend configuration']);
  const sa = await validate(ctx, jwt, role, config);
  checkBindings(role, sa);
  const alias = aliasName(role, sa);
  if (config.publicKeys.length === 0) throw denied(); // the TokenReview stand-in, see above
  if (config.useAnnotationsAsAliasMetadata) {
    throw new VaultHttpError(500, [
      'test server: use_annotations_as_alias_metadata needs the Kubernetes API, which is not simulated',
    ]);
  }
  if (sa.uid === '') throw new VaultHttpError(500, ['could not parse UID from claims']);
  return grantToken(ctx, {
    mountPath: backend.mountPath,
    mountType: backend.mountType,
    roleName,
    params: role.params,
    metadata: {
      role: roleName,
      service_account_name: sa.name,
      service_account_namespace: sa.namespace,
      service_account_secret_name: sa.secretName,
      service_account_uid: sa.uid,
    },
    displayName: `${sa.namespace}-${sa.name}`,
    entityId: backend.entityIdFor(alias),
    lookupRole: (name) => backend.role(name)?.params,
  });
}
