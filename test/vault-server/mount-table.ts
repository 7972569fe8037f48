import type { Clock, Engine } from './backend.ts';
import { VaultHttpError } from './backend.ts';
import { engineFactories } from './engines/index.ts';
import { randomBase62, uuid } from './random-id.ts';

export interface MountEntry {
  /** With trailing slash: `secret/`, `auth/approle/` is stored as `approle/` in the auth table. */
  path: string;
  type: string;
  description: string;
  options: Record<string, string> | null;
  accessor: string;
  uuid: string;
  local: boolean;
  sealWrap: boolean;
}

export interface SecretMount extends MountEntry {
  engine: Engine;
}

/** Normalizes a mount path the way Vault does: no leading slash, one trailing slash. */
export function mountPath(path: string): string {
  return `${path.replace(/^\/+|\/+$/g, '')}/`;
}

/** Longest mount whose path prefixes `path`. */
export function longestMount<T extends { path: string }>(
  mounts: Iterable<T>,
  path: string,
): T | undefined {
  let best: T | undefined;
  for (const mount of mounts) {
    if (
      (path.startsWith(mount.path) || `${path}/` === mount.path) &&
      (!best || mount.path.length > best.path.length)
    ) {
      best = mount;
    }
  }
  return best;
}

/** `kv-v2` is `kv` with version 2, as `vault secrets enable kv-v2` does. */
function normalizeType(
  type: string,
  options: Record<string, string>,
): { type: string; options: Record<string, string> } {
  if (type === 'kv-v2') return { type: 'kv', options: { ...options, version: '2' } };
  if (type === 'kv-v1') return { type: 'kv', options: { ...options, version: '1' } };
  return { type, options };
}

const RESERVED = ['sys/', 'auth/', 'cubbyhole/', 'identity/'];

/** Secret engine mounts (the routing table for everything outside sys/ and auth/). */
export class MountTable {
  readonly #clock: Clock;
  readonly #mounts = new Map<string, SecretMount>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** `config` (default_lease_ttl, max_lease_ttl) reaches the engine with its options. */
  mount(
    path: string,
    rawType: string,
    rawOptions: Record<string, string>,
    description = '',
    config: Record<string, string> = {},
  ): SecretMount {
    const normalized = mountPath(path);
    if (RESERVED.some((r) => normalized.startsWith(r))) {
      throw new VaultHttpError(400, [
        `cannot mount under ${RESERVED.find((r) => normalized.startsWith(r))}`,
      ]);
    }
    for (const existing of this.#mounts.keys()) {
      if (normalized.startsWith(existing) || existing.startsWith(normalized)) {
        throw new VaultHttpError(400, [`path is already in use at ${existing}`]);
      }
    }
    const { type, options } = normalizeType(rawType, rawOptions);
    const factory = engineFactories[type];
    if (!factory) throw new VaultHttpError(400, [`plugin not found in the catalog: ${rawType}`]);
    const entry: SecretMount = {
      path: normalized,
      type,
      description,
      options: Object.keys(options).length > 0 ? options : null,
      accessor: `${type}_${randomBase62(8).toLowerCase()}`,
      uuid: uuid(),
      local: false,
      sealWrap: false,
      engine: factory({ clock: this.#clock }, { ...config, ...options }),
    };
    this.#mounts.set(normalized, entry);
    return entry;
  }

  unmount(path: string): SecretMount | undefined {
    const normalized = mountPath(path);
    const entry = this.#mounts.get(normalized);
    this.#mounts.delete(normalized);
    return entry;
  }

  find(path: string): SecretMount | undefined {
    return longestMount(this.#mounts.values(), path);
  }

  all(): SecretMount[] {
    return [...this.#mounts.values()];
  }
}

/** The `config` object Vault shows for a mount (dev-server defaults). */
export function mountConfig(): Record<string, unknown> {
  return { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 };
}

/** Vault's mountInfo(): what sys/mounts and sys/internal/ui/mounts show for one mount. */
export function mountInfo(entry: MountEntry): Record<string, unknown> {
  return {
    accessor: entry.accessor,
    config: mountConfig(),
    description: entry.description,
    external_entropy_access: false,
    local: entry.local,
    options: entry.options,
    plugin_version: '',
    running_plugin_version: `v0.0.0+builtin${entry.type === 'kv' ? '' : '.vault'}`,
    running_sha256: '',
    seal_wrap: entry.sealWrap,
    type: entry.type,
    uuid: entry.uuid,
  };
}
