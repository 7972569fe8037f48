import type * as core from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';
import { closestKey } from './closest-key.ts';
import type { ConfigPath } from './config-path.ts';
import { knownKeysAt } from './known-keys.ts';

/** A schema issue turned into what load-config reports: where, what, and whether to point at the key. */
export interface LocatedIssue {
  path: ConfigPath;
  message: string;
  target: 'key' | 'value';
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Names a value's YAML type for "expected X, got Y" — never the value itself (it may be a secret). */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return TYPE_NAMES[typeof value] ?? typeof value;
}

// zod/mini installs no locale (classic zod installs English on first use): without this,
// every issue not worded below would read "Invalid input". Only English is bundled.
const english = en().localeError;

/**
 * Per-parse messages for zod's generic issues, in the config's own words. Schema fields with
 * their own `error` keep theirs; none of these quote the input. The rest get zod's English.
 */
export const configErrorMap: core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeType(issue.input)}`;
    case 'unrecognized_keys':
      return 'unknown key';
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return 'must not be empty';
      return english(issue);
    default:
      return english(issue);
  }
};

/**
 * Splits and words one zod issue; an issue naming several unknown keys becomes one per key,
 * each with "did you mean" when one key `schema` allows there is close to it.
 */
export function locateIssue(issue: core.$ZodIssue, schema?: core.$ZodType): LocatedIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const known = schema ? knownKeysAt(schema, issue.path) : [];
    return issue.keys.map((key) => {
      const near = closestKey(key, known);
      return {
        path: [...issue.path, key],
        message: near ? `unknown key (did you mean "${near}"?)` : 'unknown key',
        target: 'key',
      };
    });
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? 'invalid key';
    return [{ path: issue.path, message: inner, target: 'key' }];
  }
  return [{ path: issue.path, message: issue.message, target: 'value' }];
}
