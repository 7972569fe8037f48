import { UsageError } from '../../errors/keyturn-error.ts';

/** `--kv-version 1|2`: used only when the token may not detect a mount's version. */
export function kvVersionFlag(value: string | undefined): 1 | 2 | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === '2') return Number(value) as 1 | 2;
  throw new UsageError(`--kv-version must be 1 or 2, got "${value}"`);
}
