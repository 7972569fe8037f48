import type { Clock } from '../backend.ts';
import { badRequest } from './engine-errors.ts';

/** Vault's default `max_versions` when neither the key nor the mount sets one. */
const DEFAULT_MAX_VERSIONS = 10;

export interface KvVersion {
  createdMs: number;
  deletionMs: number | undefined;
  destroyed: boolean;
  data: Record<string, unknown> | undefined;
}

export interface KvKeyMetadata {
  versions: Map<number, KvVersion>;
  currentVersion: number;
  oldestVersion: number;
  createdMs: number;
  updatedMs: number;
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfterSeconds: number;
  customMetadata: Record<string, string> | null;
}

export interface KvMountConfig {
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfterSeconds: number;
}

/** The versioned state of one KV v2 mount, with Vault's version bookkeeping. */
export class KvV2Store {
  readonly keys = new Map<string, KvKeyMetadata>();
  readonly config: KvMountConfig = {
    maxVersions: 0,
    casRequired: false,
    deleteVersionAfterSeconds: 0,
  };
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  now(): number {
    return this.#clock.now();
  }

  /** A version is deleted once its deletion time has passed (it may be set in the future). */
  isDeleted(version: KvVersion): boolean {
    return version.deletionMs !== undefined && version.deletionMs <= this.now();
  }

  metadataFor(key: string): KvKeyMetadata {
    const existing = this.keys.get(key);
    if (existing) return existing;
    const now = this.now();
    const created: KvKeyMetadata = {
      versions: new Map(),
      currentVersion: 0,
      oldestVersion: 0,
      createdMs: now,
      updatedMs: now,
      maxVersions: 0,
      casRequired: false,
      deleteVersionAfterSeconds: 0,
      customMetadata: null,
    };
    return created;
  }

  /** Writes a new version after the check-and-set rule; returns it and its metadata. */
  write(key: string, data: Record<string, unknown>, cas: unknown): [KvKeyMetadata, KvVersion] {
    const meta = this.metadataFor(key);
    checkAndSet(cas, this.config.casRequired || meta.casRequired, meta.currentVersion);
    const now = this.now();
    const version: KvVersion = {
      createdMs: now,
      deletionMs: this.#autoDeletion(meta, now),
      destroyed: false,
      data: structuredClone(data),
    };
    meta.currentVersion += 1;
    meta.versions.set(meta.currentVersion, version);
    meta.updatedMs = now;
    this.#trim(meta);
    this.keys.set(key, meta);
    return [meta, version];
  }

  /** Soft-deletes versions (not destroyed, not already deleted). */
  deleteVersions(key: string, versions: number[]): void {
    const meta = this.keys.get(key);
    for (const number of versions) {
      const version = meta?.versions.get(number);
      if (!version || version.destroyed || this.isDeleted(version)) continue;
      version.deletionMs = this.now();
    }
  }

  undeleteVersions(key: string, versions: number[]): void {
    const meta = this.keys.get(key);
    if (!meta) return;
    for (const number of versions) {
      const version = meta.versions.get(number);
      if (!version || version.destroyed) continue;
      version.deletionMs = this.#autoDeletion(meta, this.now());
    }
  }

  destroyVersions(key: string, versions: number[]): void {
    const meta = this.keys.get(key);
    for (const number of versions) {
      const version = meta?.versions.get(number);
      if (!version || version.destroyed) continue;
      version.destroyed = true;
      version.data = undefined;
    }
  }

  /** deletionTime(): the smaller non-zero of the key's and the mount's delete_version_after. */
  #autoDeletion(meta: KvKeyMetadata, fromMs: number): number | undefined {
    const set = [meta.deleteVersionAfterSeconds, this.config.deleteVersionAfterSeconds].filter(
      (seconds) => seconds > 0,
    );
    return set.length > 0 ? fromMs + Math.min(...set) * 1000 : undefined;
  }

  /** Drops the oldest versions beyond `max_versions` (key's or mount's, whichever is larger). */
  #trim(meta: KvKeyMetadata): void {
    const max = Math.max(meta.maxVersions, this.config.maxVersions) || DEFAULT_MAX_VERSIONS;
    if (meta.currentVersion - meta.oldestVersion < max) return;
    const last = meta.currentVersion - max;
    for (let number = meta.oldestVersion; number <= last; number += 1) meta.versions.delete(number);
    meta.oldestVersion = last + 1;
  }
}

/** mapstructure.WeakDecode into an int, as the `cas` option is read; null when it cannot. */
function weakInt(value: unknown): number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  // Vault decodes JSON with UseNumber: a fraction does not fit json.Number.Int64.
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  // strconv.ParseInt(s, 0, 64): decimal, 0x hex, 0o/0 octal, 0b binary; "" counts as 0.
  const text = value === '' ? '0' : value;
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return null;
  const digits = (match[2] as string).replace(/^0([0-7])/, '0o$1');
  const parsed = Number(digits === '0' ? 0 : digits);
  return match[1] === '-' ? -parsed : parsed;
}

/**
 * validateCheckAndSetOption: `cas` (undefined when options.cas is absent; a JSON null reads as
 * 0) must equal the current version — 0 for an absent key or one with metadata only.
 */
function checkAndSet(cas: unknown, required: boolean, current: number): void {
  if (cas === undefined) {
    if (required) throw badRequest('check-and-set parameter required for this call');
    return;
  }
  const parsed = cas === null ? 0 : weakInt(cas);
  if (parsed === null) throw badRequest('error parsing check-and-set parameter');
  if (parsed !== current)
    throw badRequest('check-and-set parameter did not match the current version');
}
