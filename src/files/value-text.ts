/**
 * The text a secret value is written as: a string as it is (PEM, tokens), anything else as
 * its JSON text (`3`, `true`, `null`, `{"a":1}`), so no value is ever silently dropped.
 */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}
