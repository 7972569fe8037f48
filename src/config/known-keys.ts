import type * as core from 'zod/v4/core';

type Def = {
  type: string;
  shape?: Record<string, core.$ZodType>;
  innerType?: core.$ZodType;
  element?: core.$ZodType;
  options?: core.$ZodType[];
  valueType?: core.$ZodType;
  in?: core.$ZodType;
};

const defOf = (schema: core.$ZodType) => schema._zod.def as unknown as Def;

/** The schemas a value may be under `schema`, past optional, default and union wrappers. */
function candidates(schema: core.$ZodType): core.$ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return candidates(def.innerType);
  if (def.type === 'pipe' && def.in) return candidates(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(candidates);
  return [schema];
}

/**
 * The keys the schema allows in the map at `path` (where zod found an unknown key), for a
 * "did you mean"; empty when the path leads nowhere the schema knows.
 */
export function knownKeysAt(schema: core.$ZodType, path: readonly PropertyKey[]): string[] {
  let here = candidates(schema);
  for (const segment of path) {
    here = here.flatMap((node) => {
      const def = defOf(node);
      if (def.type === 'object' && def.shape && typeof segment === 'string') {
        const child = def.shape[segment];
        return child ? candidates(child) : [];
      }
      if (def.type === 'array' && def.element && typeof segment === 'number') {
        return candidates(def.element);
      }
      if (def.type === 'record' && def.valueType) return candidates(def.valueType);
      return [];
    });
  }
  const keys = here.flatMap((node) => Object.keys(defOf(node).shape ?? {}));
  return [...new Set(keys)];
}
