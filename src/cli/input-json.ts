import { closestKey } from '../config/closest-key.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Redactor } from '../log/redactor.ts';

/** Answers that must stay out of shell history (SPEC §1 `--input-json`). */
export interface JsonInput {
  secretId?: string;
  roleId?: string;
  passphrase?: string;
  /** An unseal key share (`operator unseal`). */
  key?: string;
}

const keys = ['secretId', 'roleId', 'passphrase', 'key'] as const;

/** Parses stdin; errors never quote the input, since it is made of secrets. */
export function parseJsonInput(text: string, redactor: Redactor): JsonInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--input-json: standard input is not valid JSON (input not shown)');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--input-json: standard input must be a JSON object');
  }
  const input: JsonInput = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(keys as readonly string[]).includes(key)) {
      const near = closestKey(key, keys);
      const hint = near ? `did you mean "${near}"? ` : '';
      throw new UsageError(
        `--input-json: unknown key "${key}" (${hint}expected ${keys.join(', ')})`,
      );
    }
    if (typeof value !== 'string' || value === '') {
      throw new UsageError(`--input-json: "${key}" must be a non-empty string`);
    }
    redactor.add(value);
    // Secret IDs, wrapping tokens and role IDs never hold whitespace: one that does was pasted
    // wrong, and sent as it is it would fail as a "possible interception" (77), not as input.
    if (key !== 'passphrase' && /\s/.test(value)) {
      throw new UsageError(`--input-json: "${key}" contains whitespace (value not shown)`);
    }
    input[key as (typeof keys)[number]] = value;
  }
  return input;
}
