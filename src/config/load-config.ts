import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLError,
} from 'yaml';
import { Redactor } from '../log/redactor.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { type ConfigPath, formatConfigPath } from './config-path.ts';
import { checkConfigRules } from './config-rules.ts';
import type { Config } from './config-types.ts';
import { normalizeConfig } from './normalize-config.ts';
import { overlaps, pruneInvalid } from './prune-invalid.ts';
import { configFileSchema } from './schema.ts';
import { findNode, keyAt, locatePath, toPosition } from './yaml-locations.ts';
import { configErrorMap, type LocatedIssue, locateIssue } from './zod-issues.ts';

/** Literal credentials may sit in the file; no message may quote them, whatever went wrong. */
const CREDENTIAL_PATHS: ConfigPath[] = [
  ['auth', 'approle', 'role_id'],
  ['auth', 'approle', 'secret_id'],
];

interface Parsed {
  doc: Document;
  lineCounter: LineCounter;
  problems: ConfigProblem[];
  redactor: Redactor;
  fileName: string;
}

/**
 * Parses and validates a config file's text: every YAML, schema and cross-field problem is
 * reported at once as `file:line:column: path: message` in one ConfigError (exit 64).
 * Relative paths in it resolve against `cwd` (the working directory, as for the Vault CLI).
 */
export function loadConfig(text: string, fileName: string, cwd: string): Config {
  const parsed = parseYaml(text, fileName);
  const { doc, problems } = parsed;
  // Past a syntax error the tree is a guess; a duplicate key still leaves a sound tree.
  if (doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) throw fail(parsed);
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (error) {
    problems.push(at(parsed, { path: [], message: (error as Error).message, target: 'value' }));
    throw fail(parsed);
  }
  const result = configFileSchema.safeParse(data, { error: configErrorMap });
  if (!result.success) {
    const located = result.error.issues.flatMap((issue) => locateIssue(issue, configFileSchema));
    for (const issue of [...located, ...ruleProblemsDespite(data, located)]) {
      problems.push(at(parsed, issue));
    }
    throw fail(parsed);
  }
  for (const problem of checkConfigRules(result.data)) {
    problems.push(at(parsed, { ...problem, target: 'value' }));
  }
  if (problems.length > 0) throw fail(parsed);
  return normalizeConfig(result.data, cwd);
}

/**
 * The cross-field problems of a file that also has schema problems: the rules run on the
 * file without its invalid values. A removed value falls back to its default, which can
 * upset a rule about its siblings (a bad `signal` makes `pid_file` look stray), so what the
 * rules say about the map that lost a value is dropped; an unknown key upsets nothing.
 */
function ruleProblemsDespite(data: unknown, issues: LocatedIssue[]): LocatedIssue[] {
  const pruned = pruneInvalid(
    data,
    issues.map((issue) => issue.path),
  );
  if (pruned === undefined) return [];
  const retry = configFileSchema.safeParse(pruned, { error: configErrorMap });
  if (!retry.success) return [];
  const touched = issues.map((issue) =>
    issue.target === 'key' ? issue.path : issue.path.slice(0, -1),
  );
  return checkConfigRules(retry.data)
    .filter((problem) => !touched.some((scope) => overlaps(scope, problem.path)))
    .map((problem) => ({ ...problem, target: 'value' }));
}

function parseYaml(text: string, fileName: string): Parsed {
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages quote the source line, which may hold a literal secret ID.
  // logLevel error: the yaml library would otherwise print its warnings itself, to stderr,
  // past the redactor and outside the JSON log (one quotes a mapping used as a key).
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const redactor = new Redactor();
  for (const path of CREDENTIAL_PATHS) {
    const { node, key, complete } = findNode(doc, path);
    if (complete && node !== key) registerCredential(node, redactor);
  }
  const parsed: Parsed = { doc, lineCounter, problems: [], redactor, fileName };
  for (const error of [...doc.errors, ...doc.warnings])
    parsed.problems.push(yamlProblem(parsed, error));
  return parsed;
}

/** Source keys name a variable or a file; anything else under a credential may be the secret. */
const SOURCE_KEYS = new Set(['env', 'file', 'remove_after_read']);

/** Registers a literal credential, or every scalar of a malformed one (`secret_id: {<uuid>}`). */
function registerCredential(node: unknown, redactor: Redactor): void {
  if (isScalar(node)) redactor.add(String(node.value));
  else if (isSeq(node)) for (const item of node.items) registerCredential(item, redactor);
  else if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && SOURCE_KEYS.has(String(pair.key.value))) continue;
      registerCredential(pair.key, redactor);
      registerCredential(pair.value, redactor);
    }
  }
}

function yamlProblem(parsed: Parsed, error: YAMLError): ConfigProblem {
  const { line, column } = toPosition(parsed.lineCounter, error.pos[0]);
  const key = error.code === 'DUPLICATE_KEY' ? keyAt(parsed.doc, error.pos[0]) : undefined;
  const text = key === undefined ? error.message : `duplicate key: ${key}`;
  const message = parsed.redactor.redact(text);
  return { file: parsed.fileName, line, column, path: '', message };
}

function at(parsed: Parsed, issue: LocatedIssue): ConfigProblem {
  const { line, column } = locatePath(parsed.doc, parsed.lineCounter, issue.path, issue.target);
  return {
    file: parsed.fileName,
    line,
    column,
    // A path can hold a key that was meant as a value (`secret_id: {<uuid>}`): redacted too.
    path: parsed.redactor.redact(formatConfigPath(issue.path)),
    message: parsed.redactor.redact(issue.message),
  };
}

function fail(parsed: Parsed): ConfigError {
  const sorted = [...parsed.problems].sort((a, b) => a.line - b.line || a.column - b.column);
  return new ConfigError(sorted);
}
