import { UsageError } from '../errors/keyturn-error.ts';
import { formatConfigPath } from './config-path.ts';
import { checkConfigRules } from './config-rules.ts';
import type { Config } from './config-types.ts';
import { normalizeConfig } from './normalize-config.ts';
import { type ConfigFileInput, configFileSchema } from './schema.ts';
import { configErrorMap, locateIssue } from './zod-issues.ts';

export interface FlagConfigInput {
  /** Repeated `--secret PATH=FILE[:FIELD]`. */
  secrets: readonly string[];
  address?: string;
}

type SecretInput = NonNullable<ConfigFileInput['secrets']>[number];

// A field name never contains '/', a path usually does: that tells `:FIELD` from a ':' in FILE.
const FIELD = /^[^/]+$/;

/**
 * Splits `PATH=FILE[:FIELD]`. A FILE may itself contain ':' (`/run/a:b/c`), so only the
 * text after the LAST ':' is taken as FIELD, and only when it looks like a field name
 * (non-empty, no '/'); otherwise the whole rest is the file and the format is json.
 */
export function parseSecretFlag(flag: string): SecretInput | string {
  const equals = flag.indexOf('=');
  if (equals <= 0) return 'expected PATH=FILE[:FIELD], e.g. secret/app/db=/run/secrets/db:password';
  const path = flag.slice(0, equals);
  const rest = flag.slice(equals + 1);
  const colon = rest.lastIndexOf(':');
  const field = colon >= 0 ? rest.slice(colon + 1) : '';
  if (colon > 0 && FIELD.test(field)) return { path, to: rest.slice(0, colon), field };
  if (rest === '') return 'FILE is missing: expected PATH=FILE[:FIELD]';
  return { path, to: rest };
}

/** Builds the runtime Config of the zero-config mode from `--secret` flags (SPEC §1). */
export function configFromFlags(input: FlagConfigInput, cwd: string): Config {
  const problems: string[] = [];
  const secrets: SecretInput[] = [];
  for (const flag of input.secrets) {
    const parsed = parseSecretFlag(flag);
    if (typeof parsed === 'string') problems.push(`--secret ${flag}: ${parsed}`);
    else secrets.push(parsed);
  }
  if (problems.length > 0) throw flagError(problems);
  const file = { vault: { address: input.address }, secrets };
  const result = configFileSchema.safeParse(file, { error: configErrorMap });
  const found = result.success
    ? checkConfigRules(result.data)
    : result.error.issues.flatMap((issue) => locateIssue(issue));
  for (const problem of found) problems.push(describe(problem, input));
  if (problems.length > 0 || !result.success) throw flagError(problems);
  return normalizeConfig(result.data, cwd);
}

/** Names the flag and its value (paths and file names are not secret) instead of a config path. */
function describe(
  problem: { path: readonly PropertyKey[]; message: string },
  input: FlagConfigInput,
): string {
  const flags = input.secrets;
  const [section, index, ...rest] = problem.path;
  const message = problem.message.replace(
    /secrets\[(\d+)\](?:\.\w+)?/g,
    (_, n: string) => `--secret ${flags[Number(n)]}`,
  );
  if (section === 'secrets' && typeof index === 'number') {
    const inner = rest.length > 0 ? ` (${formatConfigPath(rest)})` : '';
    return `--secret ${flags[index]}${inner}: ${message}`;
  }
  if (section === 'vault') return `Vault address ${input.address}: ${message}`;
  return `${formatConfigPath(problem.path)}: ${message}`;
}

function flagError(problems: string[]): UsageError {
  return new UsageError(['invalid flags:', ...problems.map((line) => `  ${line}`)].join('\n'));
}
