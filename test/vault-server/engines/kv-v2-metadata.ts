import type { EngineResponse } from '../backend.ts';
import { formatGoDuration, rfc3339Nano } from '../go-duration.ts';
import { badRequest, notFound } from './engine-errors.ts';
import type { FieldData } from './field-data.ts';
import type { KvKeyMetadata, KvV2Store, KvVersion } from './kv-v2-store.ts';

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

/** POST `metadata/:path`: key settings; with none of them given it is a no-op (204). */
export function writeMetadata(store: KvV2Store, key: string, fields: FieldData): EngineResponse {
  if (key === '') throw badRequest('missing path');
  const names = ['max_versions', 'cas_required', 'delete_version_after', 'custom_metadata'];
  if (!names.some((name) => fields.has(name))) return { noContent: true };
  const meta = store.metadataFor(key);
  if (fields.has('max_versions')) meta.maxVersions = fields.int('max_versions', 0);
  if (fields.has('cas_required')) meta.casRequired = fields.bool('cas_required', false);
  if (fields.has('delete_version_after')) {
    meta.deleteVersionAfterSeconds = fields.durationSeconds('delete_version_after');
  }
  const custom = fields.map('custom_metadata');
  if (custom) meta.customMetadata = Object.fromEntries(Object.entries(custom).map(stringEntry));
  store.keys.set(key, meta);
  const warnings =
    fields.has('cas_required') && store.config.casRequired && !meta.casRequired
      ? [
          '"cas_required" set to false, but is mandated by backend config. This value will be ignored.',
        ]
      : undefined;
  return warnings ? { data: null, warnings } : { noContent: true };
}

function stringEntry([name, value]: [string, unknown]): [string, string] {
  return [name, typeof value === 'string' ? value : JSON.stringify(value)];
}
