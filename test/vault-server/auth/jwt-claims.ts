import { globMatch } from '../engines/glob-match.ts';

/**
 * A Go json.Number. The plugin turns a top-level float64 claim into one (getClaim) and Vault
 * decodes request numbers (bound_claims) as them; numbers inside a claim's list stay float64
 * (plain JS numbers here) and so never equal a bound number — as in Vault.
 */
export class GoNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

function unescapePointer(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** mitchellh/pointerstructure Get: object keys and list indexes; undefined when absent. */
function pointerGet(root: unknown, pointer: string): unknown {
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const token = unescapePointer(raw);
    if (Array.isArray(value) && /^\d+$/.test(token)) value = value[Number(token)];
    else if (value !== null && typeof value === 'object' && !Array.isArray(value))
      value = (value as Record<string, unknown>)[token];
    else return undefined;
  }
  return value;
}

/** claims.go getClaim: a `/`-prefixed name is a JSON pointer; a float becomes a json.Number of its integer part. */
export function getClaim(claims: Record<string, unknown>, name: string): unknown {
  const value = name.startsWith('/') ? pointerGet(claims, name) : claims[name];
  if (typeof value === 'number') return new GoNumber(String(Math.trunc(value)));
  return value ?? undefined;
}

/** Bound claim values as Vault holds them after decoding the request (numbers as json.Number). */
export function fromRequestJson(value: unknown): unknown {
  if (typeof value === 'number') return new GoNumber(String(value));
  if (Array.isArray(value)) return value.map(fromRequestJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromRequestJson(v)]));
  return value;
}

/** The inverse of fromRequestJson, for showing a role. */
export function toResponseJson(value: unknown): unknown {
  if (value instanceof GoNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(toResponseJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toResponseJson(v)]));
  return value;
}

/** Go's `%v` for the values the plugin prints in errors (approximate for floats). */
export function goFormat(value: unknown): string {
  if (value === undefined || value === null) return '<nil>';
  if (value instanceof GoNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, v]) => `${k}:${goFormat(v)}`).join(' ')}]`;
  }
  return String(value);
}

/** claims.go normalizeList: a string, bool or json.Number becomes a one-item list. */
export function normalizeList(raw: unknown): unknown[] | null {
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'string' || typeof raw === 'boolean' || raw instanceof GoNumber) return [raw];
  return null;
}

/** Go's interface equality for the comparable kinds claims hold. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof GoNumber && b instanceof GoNumber) return a.text === b.text;
  return (typeof a === 'string' || typeof a === 'boolean') && a === b;
}

function matchFound(expected: unknown[], actual: unknown[], useGlobs: boolean): boolean {
  for (const exp of expected) {
    for (const act of actual) {
      if (useGlobs) {
        if (typeof exp !== 'string')
          throw new Error(`received claim is not a glob string: %!e(${goFormat(exp)})xpVal`);
        if (typeof act === 'string' && globMatch(exp, act)) return true;
      } else if (sameValue(exp, act)) return true;
    }
  }
  return false;
}

/**
 * claims.go validateBoundClaims. Vault walks `bound_claims` in Go's random map order, so with
 * several failing claims the one named is not fixed; here it is the first in the role.
 */
export function validateBoundClaims(
  type: 'string' | 'glob',
  bound: Record<string, unknown>,
  claims: Record<string, unknown>,
): void {
  for (const [claim, expValue] of Object.entries(bound)) {
    const actValue = getClaim(claims, claim);
    if (actValue === undefined) throw new Error(`claim ${JSON.stringify(claim)} is missing`);
    const actual = normalizeList(actValue);
    if (!actual)
      throw new Error(`received claim is not a string, bool, int or list: ${goFormat(actValue)}`);
    const expected = normalizeList(expValue);
    if (!expected)
      throw new Error(`bound claim is not a string, bool, int or list: ${goFormat(expValue)}`);
    if (!matchFound(expected, actual, type === 'glob'))
      throw new Error(
        `claim ${JSON.stringify(claim)} does not match any associated bound claim values`,
      );
  }
}

/** claims.go extractMetadata: each mapped claim that is present must be a string. */
export function extractMetadata(
  claims: Record<string, unknown>,
  mappings: Record<string, string>,
): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [source, target] of Object.entries(mappings)) {
    const value = getClaim(claims, source);
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`error converting claim '${source}' to string`);
    metadata[target] = value;
  }
  return metadata;
}
