import { VaultHttpError } from '../backend.ts';
import type { HandlerContext } from '../core.ts';
import { sanitizePolicies } from '../policy-store.ts';
import { issueToken } from '../token-issue.ts';
import type { RenewParams } from '../token-store.ts';
import { authBlock } from '../token-views.ts';
import { type CoreResponse, wrapper } from '../wire-response.ts';
import type { TokenParams } from './token-params.ts';

export interface LoginGrant {
  /** The auth mount, with its trailing slash (`kubernetes/`). */
  mountPath: string;
  mountType: string;
  roleName: string;
  params: TokenParams;
  metadata: Record<string, string>;
  /** The plugin's auth.DisplayName; Vault prefixes the mount path with `/` turned into `-`. */
  displayName: string;
  entityId: string;
  /** Current role settings for a renewal; Vault's pathLoginRenew reads the role again. */
  lookupRole: (name: string) => TokenParams | undefined;
}

/** The plugins' pathLoginRenew: TTL, max TTL and period of the role as it is now. */
function renewParamsOf(grant: LoginGrant): () => RenewParams {
  return () => {
    const role = grant.lookupRole(grant.roleName);
    if (!role) {
      throw new VaultHttpError(500, [
        `failed to renew entry: role ${grant.roleName} does not exist during renewal`,
      ]);
    }
    return {
      ttlSeconds: role.tokenTtl,
      maxTtlSeconds: role.tokenMaxTtl,
      periodSeconds: role.tokenPeriod,
    };
  };
}

/**
 * What Vault's core does with a plugin's logical.Auth (handleLoginRequest + PopulateTokenAuth):
 * policies sanitised with `default` added, the login TTL arithmetic, a service token unless
 * the role asks for batch, renewable through the role.
 */
export function grantToken(ctx: HandlerContext, grant: LoginGrant): CoreResponse {
  const p = grant.params;
  const policies = sanitizePolicies(p.tokenPolicies, !p.tokenNoDefaultPolicy);
  if (policies.includes('root'))
    throw new VaultHttpError(400, ['auth methods cannot create root tokens']);
  const batch = p.tokenType === 'batch' || p.tokenType === 'default-batch';
  const { entry, ttlSeconds, warnings } = issueToken(ctx.core, {
    type: batch ? 'batch' : 'service',
    policies,
    path: `auth/${grant.mountPath}login`,
    meta: grant.metadata,
    displayName: `${grant.mountPath.replaceAll('/', '-')}${grant.displayName}`.replace(/-$/, ''),
    numUses: p.tokenNumUses,
    parent: null,
    ttlSeconds: p.tokenTtl,
    maxTtlSeconds: p.tokenMaxTtl,
    explicitMaxTtlSeconds: p.tokenExplicitMaxTtl,
    periodSeconds: p.tokenPeriod,
    renewable: !batch,
    entityId: grant.entityId,
    boundCidrs: p.tokenBoundCidrs,
    renewParams: renewParamsOf(grant),
  });
  return wrapper({ auth: authBlock(entry, ttlSeconds), warnings, mountType: grant.mountType });
}
