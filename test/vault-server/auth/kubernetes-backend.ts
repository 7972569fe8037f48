import type { KeyObject } from 'node:crypto';
import { uuid } from '../random-id.ts';
import type { TokenParams } from './token-params.ts';

/** `auth/<mount>/config` as path_config.go stores it (plus the parsed `pem_keys`). */
export interface KubernetesConfig {
  host: string;
  caCert: string;
  tokenReviewerJwt: string;
  pemKeys: string[];
  publicKeys: KeyObject[];
  issuer: string;
  disableIssValidation: boolean;
  disableLocalCaJwt: boolean;
  useAnnotationsAsAliasMetadata: boolean;
}

export type AliasNameSource = 'serviceaccount_uid' | 'serviceaccount_name';

/** `auth/<mount>/role/:r` as path_role.go stores it. */
export interface KubernetesRole {
  params: TokenParams;
  names: string[];
  namespaces: string[];
  namespaceSelector: string;
  audience: string;
  aliasNameSource: AliasNameSource | '';
}

/** State of one Kubernetes auth mount. Role names are case-insensitive (stored lower-cased). */
export class KubernetesBackend {
  readonly mountPath: string;
  readonly mountType = 'kubernetes';
  config: KubernetesConfig | null = null;
  readonly roles = new Map<string, KubernetesRole>();
  /** Vault creates one identity entity per alias name at its first login. */
  readonly #entities = new Map<string, string>();

  constructor(mountPath: string) {
    this.mountPath = mountPath;
  }

  role(name: string): KubernetesRole | undefined {
    return this.roles.get(name.toLowerCase());
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
