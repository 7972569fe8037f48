import Mustache from 'mustache';
import { UsageError, VaultDataError } from '../errors/keyturn-error.ts';
import { readCheckedFile } from './read-checked-file.ts';
import type { ParentOptions } from './safe-dir.ts';
import { valueText } from './value-text.ts';

/** What templates see: `{{secrets.<name>.<key>}}` for every secret with a `name:`. */
export type TemplateSecrets = Record<string, Record<string, unknown>>;

/** Where a template source is read from, and for whom (the parent rule of its output). */
export type TemplateSourceOptions = ParentOptions;

/** A template larger than this is a mistake (or /dev/zero behind a hard link), not a config. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** Reads a Mustache template from `sourcePath` and renders it over `{ secrets }` (strict: see renderTemplateSource). */
export async function renderTemplate(
  sourcePath: string,
  secrets: TemplateSecrets,
  opts: TemplateSourceOptions,
): Promise<string> {
  return renderTemplateSource(await readTemplate(sourcePath, opts), secrets, sourcePath);
}

/** Reads and parses a template without rendering it: what can be judged before any secret is known. */
export async function checkTemplate(
  sourcePath: string,
  opts: TemplateSourceOptions,
): Promise<void> {
  parseTemplate(new StrictWriter(), await readTemplate(sourcePath, opts), sourcePath);
}

/**
 * A source gets the rules of a destination (issue 12): read as root, a template its output's
 * owner could point at /etc/shadow would hand them that file's content.
 */
function readTemplate(sourcePath: string, opts: TemplateSourceOptions): Promise<string> {
  return readCheckedFile(sourcePath, 'template', { ...opts, maxBytes: MAX_TEMPLATE_BYTES });
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
