import type { Clock, Engine, EngineRequest, EngineResponse } from '../backend.ts';
import { formatGoDuration } from '../go-duration.ts';
import { badRequest, notFound, unsupportedOperation, unsupportedPath } from './engine-errors.ts';
import { FieldData } from './field-data.ts';
import { listMetadata, readMetadata, versionMetadata, writeMetadata } from './kv-v2-metadata.ts';
import { KvV2Store } from './kv-v2-store.ts';

/** The first path segment that selects a KV v2 route, and the key after it. */
function splitRoute(subPath: string): [string, string] {
  const slash = subPath.indexOf('/');
  return slash === -1 ? [subPath, ''] : [subPath.slice(0, slash), subPath.slice(slash + 1)];
}

/** KV version 2: versioned secrets under `data/`, `metadata/`, `delete/`, `undelete/`, `destroy/`. */
export class KvV2Engine implements Engine {
  readonly type = 'kv';
  readonly options: Record<string, string>;
  readonly store: KvV2Store;

  constructor(clock: Clock, options: Record<string, string>) {
    this.options = options;
    this.store = new KvV2Store(clock);
  }

  exists(subPath: string): boolean {
    const [route, key] = splitRoute(subPath);
    // Why: Vault only has existence checks on data/ and metadata/; others are always `update`.
    if (route === 'data' || route === 'metadata') return this.store.keys.has(key);
    return true;
  }

  handle(request: EngineRequest): EngineResponse {
    const [route, key] = splitRoute(request.subPath);
    const fields = new FieldData(request.body);
    const write = request.operation === 'create' || request.operation === 'update';
    switch (route) {
      case 'data':
        return this.#data(request, key, fields);
      case 'metadata':
        return this.#metadata(request, key, fields);
      case 'delete':
      case 'undelete':
      case 'destroy':
        if (!write) throw unsupportedOperation();
        return this.#versions(route, key, fields);
      case 'config':
        if (key !== '') throw unsupportedPath();
        return this.#config(request, fields);
      default:
        throw unsupportedPath();
    }
  }

  #data(request: EngineRequest, key: string, fields: FieldData): EngineResponse {
    // Why: Vault's data/ pattern refuses a trailing slash (that would be a folder).
    if (key === '' || key.endsWith('/')) throw unsupportedPath();
    switch (request.operation) {
      case 'read':
        return this.#read(key, request.query.get('version'));
      case 'create':
      case 'update': {
        const data = fields.map('data');
        if (!data) throw badRequest('no data provided');
        const options = fields.map('options');
        const cas = options && 'cas' in options ? options.cas : undefined;
        const [meta, version] = this.store.write(key, data, cas);
        return { data: versionMetadata(meta, meta.currentVersion, version) };
      }
      case 'delete': {
        const meta = this.store.keys.get(key);
        if (meta) this.store.deleteVersions(key, [meta.currentVersion]);
        return { noContent: true };
      }
      default:
        throw unsupportedOperation();
    }
  }

  #read(key: string, versionParam: string | null): EngineResponse {
    const meta = this.store.keys.get(key);
    if (!meta) throw notFound();
    const requested = versionParam === null || versionParam === '' ? 0 : Number(versionParam);
    if (!Number.isInteger(requested)) {
      throw badRequest(`error converting input ${versionParam} for field "version"`);
    }
    const number = requested > 0 ? requested : meta.currentVersion;
    const version = meta.versions.get(number);
    if (!version) throw notFound();
    const metadata = versionMetadata(meta, number, version);
    // Why: Vault answers 404 *with* the body for a deleted/destroyed version, so clients can tell.
    if (version.destroyed || this.store.isDeleted(version)) {
      return { status: 404, data: { data: null, metadata } };
    }
    return { data: { data: structuredClone(version.data), metadata } };
  }

  #metadata(request: EngineRequest, key: string, fields: FieldData): EngineResponse {
    switch (request.operation) {
      case 'list':
        return listMetadata(this.store, key, request.query);
      case 'read':
        return readMetadata(this.store, key);
      case 'create':
      case 'update':
        return writeMetadata(this.store, key, fields);
      case 'delete':
        this.store.keys.delete(key);
        return { noContent: true };
      default:
        throw unsupportedOperation();
    }
  }

  #versions(route: string, key: string, fields: FieldData): EngineResponse {
    const versions = fields.ints('versions');
    if (versions.length === 0) {
      // Vault's own texts differ in case between the endpoints.
      throw badRequest(
        route === 'destroy' ? 'no version number provided' : 'No version number provided',
      );
    }
    if (route === 'delete') this.store.deleteVersions(key, versions);
    if (route === 'undelete') this.store.undeleteVersions(key, versions);
    if (route === 'destroy') this.store.destroyVersions(key, versions);
    return { noContent: true };
  }

  #config(request: EngineRequest, fields: FieldData): EngineResponse {
    const config = this.store.config;
    if (request.operation === 'read') {
      return {
        data: {
          cas_required: config.casRequired,
          delete_version_after: formatGoDuration(config.deleteVersionAfterSeconds),
          max_versions: config.maxVersions,
        },
      };
    }
    if (request.operation !== 'create' && request.operation !== 'update') {
      throw unsupportedOperation();
    }
    config.maxVersions = fields.int('max_versions', config.maxVersions);
    config.casRequired = fields.bool('cas_required', config.casRequired);
    config.deleteVersionAfterSeconds = fields.durationSeconds(
      'delete_version_after',
      config.deleteVersionAfterSeconds,
    );
    return { noContent: true };
  }
}
