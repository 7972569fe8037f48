import { readFile } from 'node:fs/promises';
import Mustache from 'mustache';
import { UsageError, VaultDataError } from '../errors/keyturn-error.ts';
import { describeErrno } from './describe-errno.ts';
import { valueText } from './value-text.ts';

/** What templates see: `{{secrets.<name>.<key>}}` for every secret with a `name:`. */
export type TemplateSecrets = Record<string, Record<string, unknown>>;

/** Reads a Mustache template from `sourcePath` and renders it over `{ secrets }` (strict: see renderTemplateSource). */
export async function renderTemplate(
  sourcePath: string,
  secrets: TemplateSecrets,
): Promise<string> {
  return renderTemplateSource(await readTemplate(sourcePath), secrets, sourcePath);
}

/** Reads and parses a template without rendering it: what can be judged before any secret is known. */
export async function checkTemplate(sourcePath: string): Promise<void> {
  parseTemplate(new StrictWriter(), await readTemplate(sourcePath), sourcePath);
}

async function readTemplate(sourcePath: string): Promise<string> {
  try {
    return await readFile(sourcePath, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read template ${sourcePath}: ${describeErrno(err)}`, {
      cause: err,
      details: { path: sourcePath },
    });
  }
}

/** Parses (a syntax error is the config's fault: 64) and refuses partials. */
function parseTemplate(writer: StrictWriter, source: string, label: string): void {
  let tokens: unknown[];
  try {
    tokens = writer.parse(source);
  } catch (err) {
    throw new UsageError(`${label}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  refusePartials(tokens, label);
}

/**
 * Renders Mustache with the surprises of a web template engine removed: values are written
 * as they are (no HTML escaping, `{{x}}` = `{{{x}}}`), a name that does not resolve is an
 * error naming it (not an empty string), and partials are refused (no other file is read).
 */
export function renderTemplateSource(
  source: string,
  secrets: TemplateSecrets,
  label = 'template',
): string {
  const writer = new StrictWriter();
  parseTemplate(writer, source, label);
  try {
    return writer.render(source, new StrictContext({ secrets }));
  } catch (err) {
    if (!(err instanceof MissingKeyError)) throw err;
    throw new VaultDataError(
      `${label}: key "${err.key}" does not exist (inside a section it is looked up in the section's value, then outwards)`,
      { details: { template: label, key: err.key } },
    );
  }
}

class MissingKeyError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`missing key ${key}`);
    this.key = key;
  }
}

/** A Mustache context whose lookup sees only own properties of the data and throws on a miss. */
class StrictContext extends Mustache.Context {
  override push(view: unknown): StrictContext {
    return new StrictContext(view, this);
  }

  override lookup(name: string): unknown {
    if (name === '.') return this.view;
    const parts = name.split('.');
    // Like Mustache: the innermost context where the whole dotted name resolves wins.
    for (let context: Mustache.Context | undefined = this; context; context = context.parent) {
      const found = resolve(context.view, parts);
      if (found.hit) return found.value;
    }
    throw new MissingKeyError(name);
  }
}

/** Own properties only: `{{constructor}}` or `{{x.length}}` on a string is a missing key, not a JS internal. */
function resolve(view: unknown, parts: string[]): { hit: boolean; value?: unknown } {
  let value = view;
  for (const part of parts) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part))
      return { hit: false };
    value = (value as Record<string, unknown>)[part];
  }
  return { hit: true, value };
}

/** Writes every value as valueText does, whichever of `{{x}}`, `{{{x}}}`, `{{&x}}` is used. */
class StrictWriter extends Mustache.Writer {
  override escapedValue(token: string[], context: Mustache.Context): string {
    return valueText(context.lookup(token[1] ?? ''));
  }

  override unescapedValue(token: string[], context: Mustache.Context): string {
    return valueText(context.lookup(token[1] ?? ''));
  }
}

/** Partials would read other templates from places keyturn does not check; refuse them anywhere, even in sections. */
function refusePartials(tokens: unknown[], label: string): void {
  for (const token of tokens) {
    if (!Array.isArray(token)) continue;
    if (token[0] === '>') {
      throw new UsageError(`${label}: partials ({{> ${String(token[1])}}}) are not supported`);
    }
    if (Array.isArray(token[4])) refusePartials(token[4], label);
  }
}
