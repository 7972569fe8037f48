import { KeyturnError } from '../errors/keyturn-error.ts';
import { Redactor } from '../log/redactor.ts';
import type { SecretRecord } from './archive-records.ts';

/**
 * Runs one secret's calls; an error that escapes has that secret's values masked in its
 * message (Vault's texts can quote a custom_metadata value). A redactor of its own per
 * secret, dropped afterwards: registering every value of a 10,000-secret archive with the
 * process-wide redactor would make memory grow with the count.
 */
export async function scrubValues<T>(record: SecretRecord, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error) {
      const local = new Redactor();
      local.addAll(record.data);
      local.addAll(record.customMetadata ?? {});
      error.message = local.redact(error.message);
      if (error instanceof KeyturnError) {
        for (const [key, value] of Object.entries(error.details)) {
          if (typeof value === 'string') error.details[key] = local.redact(value);
        }
      }
    }
    throw error;
  }
}
