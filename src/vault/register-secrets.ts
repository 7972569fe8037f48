import type { Redactor } from '../log/redactor.ts';

/**
 * Keys whose string values are credentials wherever they appear in a request or response
 * body (a wrapped response can nest a login's `auth`; engines return `token`/`password`).
 * Accessors are deliberately absent: SPEC §8 lets them be logged.
 */
const secretKeys = new Set(['client_token', 'token', 'secret_id', 'password', 'private_key']);

/** Deep enough for any Vault body; a cap so a hostile body cannot make this recurse forever. */
const maxDepth = 8;

/** Registers every credential found in a JSON body with the redactor, before anything else reads it. */
export function registerSecrets(value: unknown, redactor: Redactor, depth = 0): void {
  if (depth > maxDepth || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) registerSecrets(item, redactor, depth + 1);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') {
      if (secretKeys.has(key)) redactor.add(item);
    } else registerSecrets(item, redactor, depth + 1);
  }
}
