import type { MountInfo } from '../sources/kv-mounts.ts';

/** A logical KV path (`secret/app/db`) as one of its engine's routes on the wire. */
export interface KvLocation {
  mount: string;
  kv: 1 | 2;
  /** The path below the mount: `app/db`. */
  rel: string;
}

export function locate(path: string, info: MountInfo): KvLocation {
  return { mount: info.mount, kv: info.kv === 2 ? 2 : 1, rel: path.slice(info.mount.length) };
}

/** KV v2 puts `data/` or `metadata/` after the mount; KV v1 has one route for everything. */
export function wirePath(at: KvLocation, route: 'data' | 'metadata'): string {
  return at.kv === 2 ? `${at.mount}${route}/${at.rel}` : `${at.mount}${at.rel}`;
}

export function logicalPath(at: KvLocation): string {
  return `${at.mount}${at.rel}`;
}
