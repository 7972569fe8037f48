import { type Document, isScalar, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { Redactor } from '../log/redactor.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { type ConfigPath, formatConfigPath } from './config-path.ts';
import { checkConfigRules } from './config-rules.ts';
import type { Config } from './config-types.ts';
import { normalizeConfig } from './normalize-config.ts';
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
 */
export function loadConfig(text: string, fileName: string): Config {
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
    for (const issue of result.error.issues) {
      for (const located of locateIssue(issue)) problems.push(at(parsed, located));
    }
    throw fail(parsed);
  }
  for (const problem of checkConfigRules(result.data)) {
    problems.push(at(parsed, { ...problem, target: 'value' }));
  }
  if (problems.length > 0) throw fail(parsed);
  return normalizeConfig(result.data);
}

function parseYaml(text: string, fileName: string): Parsed {
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages quote the source line, which may hold a literal secret ID.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const redactor = new Redactor();
  for (const path of CREDENTIAL_PATHS) {
    const { node, key, complete } = findNode(doc, path);
    if (complete && node !== key && isScalar(node)) redactor.add(String(node.value));
  }
  const parsed: Parsed = { doc, lineCounter, problems: [], redactor, fileName };
  for (const error of [...doc.errors, ...doc.warnings])
    parsed.problems.push(yamlProblem(parsed, error));
  return parsed;
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
    path: formatConfigPath(issue.path),
    message: parsed.redactor.redact(issue.message),
  };
}

function fail(parsed: Parsed): ConfigError {
  const sorted = [...parsed.problems].sort((a, b) => a.line - b.line || a.column - b.column);
  return new ConfigError(sorted);
}
