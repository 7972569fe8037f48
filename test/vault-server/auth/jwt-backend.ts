import type { KeyObject } from 'node:crypto';
import { uuid } from '../random-id.ts';
import type { KeySet } from './jwt-validator.ts';
import type { TokenParams } from './token-params.ts';

/** `auth/<mount>/config` as the JWT plugin's path_config.go stores it. */
export interface JwtConfig {
  jwtValidationPubkeys: string[];
  parsedPubkeys: KeyObject[];
  jwksUrl: string;
  jwksCaPem: string;
  oidcDiscoveryUrl: string;
  oidcDiscoveryCaPem: string;
  oidcClientId: string;
  oidcClientSecret: string;
  boundIssuer: string;
  defaultRole: string;
  jwtSupportedAlgs: string[];
  namespaceInState: boolean;
}

/** `auth/<mount>/role/:r` as path_role.go stores it (leeways in seconds, 0 = default). */
export interface JwtRole {
  params: TokenParams;
  roleType: 'jwt' | 'oidc';
  expirationLeeway: number;
  notBeforeLeeway: number;
  clockSkewLeeway: number;
  boundAudiences: string[] | null;
  boundSubject: string;
  boundClaimsType: 'string' | 'glob';
  boundClaims: Record<string, unknown> | null;
  claimMappings: Record<string, string> | null;
  userClaim: string;
  userClaimJsonPointer: boolean;
  groupsClaim: string;
  oidcScopes: string[] | null;
  allowedRedirectUris: string[] | null;
  verboseOidcLogging: boolean;
  maxAge: number;
}

/** State of one JWT/OIDC auth mount. Role names are lower-cased on write and at login. */
export class JwtBackend {
  readonly mountPath: string;
  /** `jwt` or `oidc`: the same plugin under either name. */
  readonly mountType: string;
  config: JwtConfig | null = null;
  /** The plugin's cached validator key set: built at the first login, dropped on config write. */
  keySet: KeySet | null = null;
  readonly roles = new Map<string, JwtRole>();
  readonly #entities = new Map<string, string>();

  constructor(mountPath: string, mountType: string) {
    this.mountPath = mountPath;
    this.mountType = mountType;
  }

  entityIdFor(aliasName: string): string {
    let id = this.#entities.get(aliasName);
    if (!id) {
      id = uuid();
      this.#entities.set(aliasName, id);
    }
    return id;
  }
}
