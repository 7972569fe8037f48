import type { Clock } from './backend.ts';
import { uuid } from './random-id.ts';

export interface AppRole {
  name: string;
  roleId: string;
  bindSecretId: boolean;
  secretIdBoundCidrs: string[];
  secretIdNumUses: number;
  secretIdTtlSeconds: number;
  tokenTtlSeconds: number;
  tokenMaxTtlSeconds: number;
  tokenPeriodSeconds: number;
  tokenNumUses: number;
  tokenType: 'service' | 'batch' | 'default';
  tokenPolicies: string[];
  tokenBoundCidrs: string[];
  tokenExplicitMaxTtlSeconds: number;
  tokenNoDefaultPolicy: boolean;
  /** Vault creates an identity entity per role ID at the first login. */
  entityId: string;
}

export interface SecretIdEntry {
  secretId: string;
  accessor: string;
  roleName: string;
  /** Uses left; 0 = unlimited. */
  numUses: number;
  ttlSeconds: number;
  creationMs: number;
  /** null: never expires. */
  expireMs: number | null;
  cidrList: string[];
  tokenBoundCidrs: string[];
  metadata: Record<string, string>;
}

/** State of one AppRole auth mount: roles by name, role IDs, secret IDs. */
export class AppRoleBackend {
  readonly mountPath: string;
  readonly #clock: Clock;
  readonly roles = new Map<string, AppRole>();
  readonly #secretIds = new Map<string, SecretIdEntry>();

  constructor(mountPath: string, clock: Clock) {
    this.mountPath = mountPath;
    this.#clock = clock;
  }

  newRole(name: string): AppRole {
    return {
      name,
      roleId: uuid(),
      bindSecretId: true,
      secretIdBoundCidrs: [],
      secretIdNumUses: 0,
      secretIdTtlSeconds: 0,
      tokenTtlSeconds: 0,
      tokenMaxTtlSeconds: 0,
      tokenPeriodSeconds: 0,
      tokenNumUses: 0,
      tokenType: 'default',
      tokenPolicies: [],
      tokenBoundCidrs: [],
      tokenExplicitMaxTtlSeconds: 0,
      tokenNoDefaultPolicy: false,
      entityId: uuid(),
    };
  }

  roleByRoleId(roleId: string): AppRole | undefined {
    for (const role of this.roles.values()) if (role.roleId === roleId) return role;
    return undefined;
  }

  deleteRole(name: string): void {
    this.roles.delete(name);
    for (const [key, entry] of this.#secretIds)
      if (entry.roleName === name) this.#secretIds.delete(key);
  }

  addSecretId(entry: Omit<SecretIdEntry, 'creationMs' | 'expireMs'>): SecretIdEntry {
    const now = this.#clock.now();
    const full: SecretIdEntry = {
      ...entry,
      creationMs: now,
      expireMs: entry.ttlSeconds > 0 ? now + entry.ttlSeconds * 1000 : null,
    };
    this.#secretIds.set(`${entry.roleName}\u0000${entry.secretId}`, full);
    return full;
  }

  /** A live secret ID of this role (expired ones are deleted, as Vault's tidy would). */
  secretId(roleName: string, secretId: string): SecretIdEntry | undefined {
    const key = `${roleName}\u0000${secretId}`;
    const entry = this.#secretIds.get(key);
    if (entry?.expireMs != null && this.#clock.now() >= entry.expireMs) {
      this.#secretIds.delete(key);
      return undefined;
    }
    return entry;
  }

  deleteSecretId(entry: SecretIdEntry): void {
    this.#secretIds.delete(`${entry.roleName}\u0000${entry.secretId}`);
  }

  secretIdsOf(roleName: string): SecretIdEntry[] {
    return [...this.#secretIds.values()].filter((e) => e.roleName === roleName);
  }
}
