import type { EngineResponse } from '../backend.ts';
import { notFound } from './engine-errors.ts';

/** Vault's storage LIST: the direct children of `prefix`, folders with a trailing `/`, sorted. */
export function listKeys(allKeys: Iterable<string>, prefix: string): string[] {
  const children = new Set<string>();
  for (const key of allKeys) {
    if (!key.startsWith(prefix) || key === prefix) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return [...children].sort();
}

/** A LIST answer: `{keys}`, or 404 `{"errors":[]}` when empty (as Vault's HTTP layer does). */
export function listResponse(keys: string[]): EngineResponse {
  if (keys.length === 0) throw notFound();
  return { data: { keys } };
}

/** LIST paths are directories: Vault appends the `/` the caller left off. */
export function asDirectory(path: string): string {
  return path === '' || path.endsWith('/') ? path : `${path}/`;
}
