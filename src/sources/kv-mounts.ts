import { AuthError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';

/** What a path's mount is: KV v1, KV v2, or another engine (read as a plain path). */
export interface MountInfo {
  /** `secret/` — with its trailing slash, as Vault names mounts. */
  mount: string;
  kv: 1 | 2 | null;
}

interface UiMountAnswer {
  path?: string;
  type?: string;
  options?: { version?: string } | null;
}

/**
 * Detects the KV version of each mount once (SPEC §3), however many secrets live on it.
 * Detection uses an endpoint Vault calls internal, which answers 403 to tokens whose policy
 * does not name it — then the configured `kv_version` decides, with the mount assumed to
 * be the path's first segment (as Vault Agent assumes).
 */
export class KvMounts {
  readonly #known: MountInfo[] = [];
  readonly #pending = new Map<string, Promise<MountInfo | undefined>>();
  readonly #client: VaultClient;
  readonly #retrier: Retrier;
  readonly #token: () => string;
  readonly #log: Logger;

  constructor(client: VaultClient, retrier: Retrier, token: () => string, log: Logger) {
    this.#client = client;
    this.#retrier = retrier;
    this.#token = token;
    this.#log = log;
  }

  async resolve(path: string, fallback?: 1 | 2): Promise<MountInfo> {
    const known = this.#lookup(path);
    if (known) return known;
    const first = `${path.split('/')[0]}/`;
    let detected = await this.#shared(first, path);
    if (detected && !path.startsWith(detected.mount)) {
      // Another secret's detection found a deeper mount (`team/a/` for `team/b/x`): ask again.
      detected = this.#lookup(path) ?? (await this.#detect(path));
    }
    if (detected && path.startsWith(detected.mount)) return detected;
    if (detected === undefined && fallback === undefined) {
      throw new AuthError(
        `cannot detect the KV version of ${path}: Vault refused sys/internal/ui/mounts/${path} ` +
          '(the policy grants nothing it can match under that mount, or no mount exists there). ' +
          'Set `kv_version: 1` or `2` on this secret or in `defaults`',
        { details: { path } },
      );
    }
    const info: MountInfo = { mount: first, kv: fallback ?? null };
    this.#remember(info);
    return this.#lookup(path) ?? info;
  }

  /** One detection per first segment at a time: concurrent secrets on one mount share it. */
  #shared(first: string, path: string): Promise<MountInfo | undefined> {
    let pending = this.#pending.get(first);
    if (!pending) {
      pending = this.#detect(path).finally(() => this.#pending.delete(first));
      this.#pending.set(first, pending);
    }
    return pending;
  }

  #lookup(path: string): MountInfo | undefined {
    return this.#known.find((m) => path.startsWith(m.mount));
  }

  #remember(info: MountInfo): void {
    if (this.#known.some((m) => m.mount === info.mount)) return;
    this.#known.push(info);
    // Longest mount first, so `team/secret/` wins over `team/`.
    this.#known.sort((a, b) => b.mount.length - a.mount.length);
  }

  async #detect(path: string): Promise<MountInfo | undefined> {
    try {
      const answer = await this.#retrier.idempotent('kv version detection', () =>
        this.#client.request<UiMountAnswer>('GET', `sys/internal/ui/mounts/${path}`, {
          token: this.#token(),
        }),
      );
      const data = answer?.data;
      if (!data?.path) return undefined;
      const version = data.options?.version;
      const info: MountInfo = {
        mount: data.path,
        kv: data.type === 'kv' || data.type === 'generic' ? (version === '2' ? 2 : 1) : null,
      };
      this.#remember(info);
      this.#log.debug({ mount: info.mount, kv: info.kv }, 'mount detected');
      return info;
    } catch (error) {
      if (error instanceof VaultResponseError && error.status === 403) return undefined;
      throw error;
    }
  }
}
