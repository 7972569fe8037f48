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

  #autoDeletion(meta: KvKeyMetadata, fromMs: number): number | undefined {
    const seconds = meta.deleteVersionAfterSeconds || this.config.deleteVersionAfterSeconds;
    return seconds > 0 ? fromMs + seconds * 1000 : undefined;
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

function checkAndSet(cas: unknown, required: boolean, current: number): void {
  if (cas === undefined || cas === null) {
    if (required) throw badRequest('check-and-set parameter required for this call');
    return;
  }
  const parsed = typeof cas === 'number' ? cas : Number(cas);
  if (!Number.isInteger(parsed)) throw badRequest('error parsing check-and-set parameter');
  if (parsed !== current)
    throw badRequest('check-and-set parameter did not match the current version');
}
