import { stringify } from 'yaml';

/**
 * The `yaml` format: the whole secret as YAML. Imported by render-output.ts on first use
 * (dynamic import), so neither a prestart without YAML output nor the long-lived renewer
 * parses the YAML library (~116 KiB).
 */
export function renderYaml(data: Record<string, unknown>): string {
  // lineWidth 0: never fold a long value over lines, which naive readers get wrong.
  return stringify(data, { lineWidth: 0 });
}
