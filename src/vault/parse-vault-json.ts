/**
 * JSON.parse for Vault's bodies that keeps integers beyond 2^53 exact, as Vault's own Go
 * client does (json.Number): `123456789012345678901234567890` stays those digits instead of
 * becoming `1.2345678901234568e+29`. Such a number becomes `JSON.rawJSON(digits)`, which
 * JSON.stringify writes back verbatim; other numbers stay numbers. No dependency: the
 * reviver's third argument (`{ source }`) and JSON.rawJSON are in Node ≥ 21.
 */

/** What JSON.rawJSON returns: a frozen object whose JSON text is `rawJSON`. */
export interface RawJson {
  readonly rawJSON: string;
}

interface JsonWithRaw {
  rawJSON?: (text: string) => RawJson;
  isRawJSON?: (value: unknown) => boolean;
}
const json = JSON as unknown as JsonWithRaw;

const integerText = /^-?\d+$/;

export function parseVaultJson(
  text: string,
  then: (key: string, value: unknown) => unknown = (_key, value) => value,
): unknown {
  const raw = json.rawJSON;
  if (!raw) return JSON.parse(text, then); // an older runtime: as before, rounded
  const revive = (key: string, value: unknown, context?: { source?: unknown }): unknown => {
    if (typeof value !== 'number' || Number.isSafeInteger(value)) return then(key, value);
    const source = context?.source;
    return then(key, typeof source === 'string' && integerText.test(source) ? raw(source) : value);
  };
  return JSON.parse(text, revive as (key: string, value: unknown) => unknown);
}

/** True for an exact big integer made by parseVaultJson. */
export function isRawJson(value: unknown): value is RawJson {
  return json.isRawJSON?.(value) === true;
}
