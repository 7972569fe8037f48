import type { EngineFactory } from '../backend.ts';
import { DatabaseEngine } from './database-engine.ts';
import { KvV1Engine } from './kv-v1-engine.ts';
import { KvV2Engine } from './kv-v2-engine.ts';
import { PkiEngine } from './pki-engine.ts';

export { DatabaseEngine, type DatabaseUser } from './database-engine.ts';
export { KvV1Engine } from './kv-v1-engine.ts';
export { KvV2Engine } from './kv-v2-engine.ts';
export { PkiEngine } from './pki-engine.ts';

/**
 * Secret engines the test server can mount, by `type`; `kv` picks v1/v2 by `options.version`.
 * What the core can rely on:
 * - `exists()` is false only where Vault has an existence check and nothing is there (KV paths,
 *   KV v2 data/ and metadata/ keys, PKI and database roles, database config); every other path
 *   answers true, so a write there is an ACL `update`, as in Vault.
 * - `status` on a response (KV v2: 404 for a deleted or destroyed version) keeps the wrapper.
 * - `raw` (PKI `ca/pem`) is a non-JSON body to send as-is with `raw.contentType`.
 * - Mount TTLs come from `options.default_lease_ttl` / `options.max_lease_ttl` (unset = 768h).
 */
export const engineFactories: Record<string, EngineFactory> = {
  kv: (context, options) =>
    options.version === '2' ? new KvV2Engine(context.clock, options) : new KvV1Engine(options),
  pki: (context, options) => new PkiEngine(context.clock, options),
  database: (context, options) => new DatabaseEngine(context.clock, options),
};
