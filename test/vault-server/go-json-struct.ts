import { VaultHttpError } from './backend.ts';

/** The Go types of the request structs the raw sys endpoints decode into. */
export type GoFieldType = 'int' | 'string' | 'bool' | '[]string';

type Decoded<S extends Record<string, GoFieldType>> = {
  [K in keyof S]: S[K] extends 'int'
    ? number
    : S[K] extends 'bool'
      ? boolean
      : S[K] extends 'string'
        ? string
        : string[];
};

const ZERO = { int: 0, string: '', bool: false, '[]string': [] as string[] };

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** The value as the Go type, or the `json: cannot unmarshal …` clause when it does not fit. */
function convert(
  value: unknown,
  type: GoFieldType,
): { ok: unknown } | { kind: string; goType: string } {
  if (value === null) return { ok: ZERO[type] };
  if (type === 'int' && typeof value === 'number' && !Number.isInteger(value))
    return { kind: `number ${value}`, goType: 'int' };
  if (type === '[]string' && Array.isArray(value)) {
    const bad = value.find((item) => typeof item !== 'string' && item !== null);
    if (bad === undefined) return { ok: value.map((item) => item ?? '') };
    return { kind: jsonKind(bad), goType: 'string' };
  }
  const expected = { int: 'number', string: 'string', bool: 'bool', '[]string': 'array' }[type];
  return jsonKind(value) === expected ? { ok: value } : { kind: jsonKind(value), goType: type };
}

/**
 * encoding/json into a Go struct, as parseJSONRequest does for sys/init and sys/unseal: keys
 * match field names exactly or case-insensitively, unknown keys are ignored, and a value of the
 * wrong type is a 400 naming the struct field.
 */
export function decodeGoStruct<S extends Record<string, GoFieldType>>(
  body: Record<string, unknown>,
  structName: string,
  fields: S,
): Decoded<S> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(fields)) {
    const key =
      name in body ? name : Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
    const result = key === undefined ? { ok: ZERO[type] } : convert(body[key], type);
    if ('ok' in result) {
      out[name] = result.ok;
      continue;
    }
    throw new VaultHttpError(400, [
      `failed to parse JSON input: json: cannot unmarshal ${result.kind} into Go struct field ${structName}.${name} of type ${result.goType}`,
    ]);
  }
  return out as Decoded<S>;
}
