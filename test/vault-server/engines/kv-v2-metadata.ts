import type { EngineResponse } from '../backend.ts';
import { formatGoDuration, rfc3339Nano } from '../go-duration.ts';
import { parseCustomMetadata } from './custom-metadata.ts';
import { badRequest, notFound } from './engine-errors.ts';
import { FieldData } from './field-data.ts';
import type { KvKeyMetadata, KvV2Store, KvVersion } from './kv-v2-store.ts';
import { asDirectory, listKeys, listResponse } from './list-keys.ts';

/** `metadata` of a `data/` read and the fields of a write answer, as Vault orders them. */
export function versionMetadata(meta: KvKeyMetadata, number: number, version: KvVersion) {
  return {
    created_time: rfc3339Nano(version.createdMs),
    custom_metadata: meta.customMetadata,
    deletion_time: version.deletionMs === undefined ? '' : rfc3339Nano(version.deletionMs),
    destroyed: version.destroyed,
    version: number,
  };
}

/** GET `metadata/:path`: every kept version plus the key's settings. */
export function readMetadata(store: KvV2Store, key: string): EngineResponse {
  const meta = store.keys.get(key);
  if (!meta) throw notFound();
  const versions: Record<string, unknown> = {};
  for (const [number, version] of meta.versions) {
    versions[String(number)] = {
      created_time: rfc3339Nano(version.createdMs),
      deletion_time: version.deletionMs === undefined ? '' : rfc3339Nano(version.deletionMs),
      destroyed: version.destroyed,
    };
  }
  return {
    data: {
      cas_required: meta.casRequired,
      created_time: rfc3339Nano(meta.createdMs),
      current_version: meta.currentVersion,
      custom_metadata: meta.customMetadata,
      delete_version_after: formatGoDuration(meta.deleteVersionAfterSeconds),
      max_versions: meta.maxVersions,
      oldest_version: meta.oldestVersion,
      updated_time: rfc3339Nano(meta.updatedMs),
      versions,
    },
  };
}

/**
 * LIST `metadata/:prefix`: every key, also those whose current version is deleted or destroyed
 * or that have metadata only. `exclude_deleted=true` (2025 plugin) drops keys whose current
 * version has a deletion time — set, even if still in the future; a destroyed version has none.
 */
export function listMetadata(
  store: KvV2Store,
  key: string,
  query: URLSearchParams,
): EngineResponse {
  const excludeDeleted = new FieldData(Object.fromEntries(query)).bool('exclude_deleted', false);
  const prefix = asDirectory(key);
  const names = listKeys(store.keys.keys(), prefix).filter((name) => {
    if (!excludeDeleted || name.endsWith('/')) return true;
    const meta = store.keys.get(prefix + name);
    return meta?.versions.get(meta.currentVersion)?.deletionMs === undefined;
  });
  return listResponse(names);
}

const SETTINGS = ['max_versions', 'cas_required', 'delete_version_after', 'custom_metadata'];

/**
 * POST `metadata/:path` (pathMetadataWrite's order): fields converted, `missing path`, a no-op
 * 204 without any of the four settings, custom_metadata checked and replaced whole. Creating
 * the key gives it `current_version` 0; updating leaves `updated_time` alone.
 */
export function writeMetadata(store: KvV2Store, key: string, fields: FieldData): EngineResponse {
  const maxVersions = fields.has('max_versions') ? fields.int('max_versions', 0) : undefined;
  const casRequired = fields.has('cas_required') ? fields.bool('cas_required', false) : undefined;
  const deleteAfter = fields.has('delete_version_after')
    ? fields.durationSeconds('delete_version_after')
    : undefined;
  const rawCustom = fields.map('custom_metadata');
  if (key === '') throw badRequest('missing path');
  if (!SETTINGS.some((name) => fields.has(name))) return { noContent: true };
  const custom = rawCustom ? parseCustomMetadata(rawCustom) : undefined;
  const meta = store.metadataFor(key);
  if (maxVersions !== undefined) meta.maxVersions = maxVersions;
  if (casRequired !== undefined) meta.casRequired = casRequired;
  if (deleteAfter !== undefined) meta.deleteVersionAfterSeconds = deleteAfter;
  // Stored as a protobuf map: an empty one reads back as null.
  if (custom) meta.customMetadata = Object.keys(custom).length > 0 ? custom : null;
  store.keys.set(key, meta);
  const warnings =
    casRequired === false && store.config.casRequired
      ? [
          '"cas_required" set to false, but is mandated by backend config. This value will be ignored.',
        ]
      : undefined;
  return warnings ? { data: null, warnings } : { noContent: true };
}
