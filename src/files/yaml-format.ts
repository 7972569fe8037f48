import { stringify } from 'yaml';
import { isRawJson } from '../vault/parse-vault-json.ts';

/**
 * The `yaml` format: the whole secret as YAML. Imported by render-output.ts on first use
 * (dynamic import), so neither a prestart without YAML output nor the long-lived renewer
 * parses the YAML library (~116 KiB).
 */
export function renderYaml(data: Record<string, unknown>): string {
  // lineWidth 0: never fold a long value over lines, which naive readers get wrong.
  // An exact big integer (parse-vault-json.ts) goes to YAML as a BigInt: its digits, unquoted.
  return stringify(data, (_key, value: unknown) => exactForYaml(value), { lineWidth: 0 });
}

function exactForYaml(value: unknown): unknown {
  return isRawJson(value) ? BigInt(value.rawJSON) : value;
}
