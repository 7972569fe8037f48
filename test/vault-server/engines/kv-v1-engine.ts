import type { Engine, EngineRequest, EngineResponse } from '../backend.ts';
import { parseDurationSeconds } from '../go-duration.ts';
import { badRequest, notFound, unsupportedOperation } from './engine-errors.ts';
import { asDirectory, listKeys, listResponse } from './list-keys.ts';
import { mountTtl } from './mount-ttl.ts';

/**
 * KV version 1 (Vault's passthrough backend): one unversioned JSON object per path. A `ttl`
 * (or `lease`) key is only a refresh hint sent back as `lease_duration`; nothing is leased.
 */
export class KvV1Engine implements Engine {
  readonly type = 'kv';
  readonly options: Record<string, string>;
  readonly #entries = new Map<string, Record<string, unknown>>();

  constructor(options: Record<string, string>) {
    this.options = options;
  }

  exists(subPath: string): boolean {
    return this.#entries.has(subPath);
  }

  handle(request: EngineRequest): EngineResponse {
    switch (request.operation) {
      case 'read':
        return this.#read(request.subPath);
      case 'create':
      case 'update':
        return this.#write(request.subPath, request.body);
      case 'delete':
        this.#entries.delete(request.subPath);
        return { noContent: true };
      case 'list':
        return listResponse(listKeys(this.#entries.keys(), asDirectory(request.subPath)));
      default:
        throw unsupportedOperation();
    }
  }

  #read(path: string): EngineResponse {
    const entry = this.#entries.get(path);
    if (!entry) throw notFound();
    const hint = entry.ttl ?? entry.lease;
    const parsed = hint === undefined ? undefined : parseDurationSeconds(hint);
    // Why: like Vault, an unparsable hint silently falls back to the mount default.
    const seconds = parsed === undefined ? mountTtl(this.options).defaultSeconds : parsed;
    return { data: structuredClone(entry), leaseDurationSeconds: Math.trunc(seconds) };
  }

  #write(path: string, body: Record<string, unknown>): EngineResponse {
    if (path === '') throw badRequest('missing path');
    if (Object.keys(body).length === 0) throw badRequest('missing data fields');
    this.#entries.set(path, structuredClone(body));
    return { noContent: true };
  }
}
