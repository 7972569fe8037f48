/**
 * The few `Reflect` metadata functions tsyringe (a dependency of @peculiar/x509) insists on.
 * No reflect-metadata package is installed, and nothing here relies on decorator metadata.
 */

type Key = unknown;
type Target = object;

const store = new WeakMap<Target, Map<PropertyKey | undefined, Map<Key, unknown>>>();

function ownMap(target: Target, property: PropertyKey | undefined, create: boolean) {
  let byProperty = store.get(target);
  if (!byProperty && create) {
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty?.get(property);
  if (!entries && create && byProperty) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

function getMetadata(key: Key, target: Target, property?: PropertyKey): unknown {
  for (let current: Target | null = target; current; current = Object.getPrototypeOf(current)) {
    const entries = ownMap(current, property, false);
    if (entries?.has(key)) return entries.get(key);
  }
  return undefined;
}

const shim = {
  defineMetadata(key: Key, value: unknown, target: Target, property?: PropertyKey): void {
    ownMap(target, property, true)?.set(key, value);
  },
  getOwnMetadata(key: Key, target: Target, property?: PropertyKey): unknown {
    return ownMap(target, property, false)?.get(key);
  },
  getMetadata,
  hasMetadata(key: Key, target: Target, property?: PropertyKey): boolean {
    return getMetadata(key, target, property) !== undefined;
  },
  metadata(key: Key, value: unknown) {
    return (target: Target, property?: PropertyKey) =>
      shim.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') Object.assign(reflect, shim);
