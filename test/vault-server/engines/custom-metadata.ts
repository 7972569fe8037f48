import { badRequest } from './engine-errors.ts';

const PREFIX = 'custom_metadata validation failed';
const MAX_KEYS = 64;
const MAX_KEY_BYTES = 128;
const MAX_VALUE_BYTES = 512;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u;

/** Go's strconv.Quote, as `%q` prints a key in the validation texts. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    const named: Record<string, string> = {
      '\x07': '\\a',
      '\b': '\\b',
      '\f': '\\f',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
      '\v': '\\v',
      '\\': '\\\\',
      '"': '\\"',
    };
    if (named[ch]) out += named[ch];
    else if (PRINTABLE.test(ch)) out += ch;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go's `%v` of a decoded JSON value (json.Number prints as its digits). */
function goFormat(value: unknown): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return `map[${entries.map(([k, v]) => `${k}:${goFormat(v)}`).join(' ')}]`;
  }
  return String(value);
}

/**
 * parseCustomMetadata: each value weakly decoded to a string as mapstructure does — a number
 * keeps its digits (Vault decodes JSON with UseNumber), a bool is "1"/"0", null is "".
 */
function weakString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const goType = Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
  throw badRequest(
    `${PREFIX}: '' expected type 'string', got unconvertible type '${goType}', value: '${goFormat(value)}'`,
  );
}

/** validateCustomMetadata: every problem at once, or only the key count when over 64 keys. */
function problemsOf(metadata: Record<string, string>): string[] {
  const keys = Object.keys(metadata);
  if (keys.length > MAX_KEYS)
    return [`${PREFIX}: payload must contain at most ${MAX_KEYS} keys, provided ${keys.length}`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    const keyLen = Buffer.byteLength(key);
    const valueLen = Buffer.byteLength(value);
    if (keyLen === 0 || keyLen > MAX_KEY_BYTES)
      problems.push(
        `${PREFIX}: length of key ${goQuote(key)} is ${keyLen} but must be 0 < len(key) <= ${MAX_KEY_BYTES}`,
      );
    if (valueLen === 0 || valueLen > MAX_VALUE_BYTES)
      problems.push(
        `${PREFIX}: length of value for key ${goQuote(key)} is ${valueLen} but must be 0 < len(value) <= ${MAX_VALUE_BYTES}`,
      );
    if (!PRINTABLE.test(key))
      problems.push(`${PREFIX}: key ${goQuote(key)} (${key}) contains unprintable characters`);
    if (!PRINTABLE.test(value))
      problems.push(`${PREFIX}: value for key ${goQuote(key)} contains unprintable characters`);
  }
  return problems;
}

/** hashicorp/go-multierror's text: the validation problems travel as one error string. */
function multierrorText(problems: string[]): string {
  const head = problems.length === 1 ? '1 error occurred:' : `${problems.length} errors occurred:`;
  return `${head}\n${problems.map((p) => `\t* ${p}`).join('\n')}\n\n`;
}

/** custom_metadata of a metadata write: parsed, then checked; 400 with Vault's texts. */
export function parseCustomMetadata(raw: Record<string, unknown>): Record<string, string> {
  const metadata = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, weakString(v)]));
  const problems = problemsOf(metadata);
  if (problems.length > 0) throw badRequest(multierrorText(problems));
  return metadata;
}
