import { VaultHttpError } from './backend.ts';
import { parseDurationSecond } from './go-duration.ts';

export const CAPABILITIES = [
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface PathRule {
  pattern: string;
  capabilities: Set<Capability>;
  /** Seconds; 0 = unset. A request to the path must ask for a wrap TTL within these. */
  minWrappingTtl: number;
  maxWrappingTtl: number;
}

/** The old `policy = "write"` shorthand, expanded as Vault does. */
const SHORTHAND: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:"])\/\/.*$/gm, '$1')
    .replace(/#.*$/gm, '');
}

function parseError(message: string): VaultHttpError {
  return new VaultHttpError(400, [`failed to parse policy: ${message}`]);
}

function ruleCapabilities(pattern: string, inner: string): Set<Capability> {
  const caps = new Set<Capability>();
  const list = /capabilities\s*=\s*\[([^\]]*)\]/.exec(inner);
  if (list) {
    for (const raw of (list[1] as string).split(',')) {
      const cap = raw.trim().replace(/^"|"$/g, '');
      if (cap === '') continue;
      if (!(CAPABILITIES as readonly string[]).includes(cap)) {
        throw parseError(
          `path ${JSON.stringify(pattern)}: invalid capability ${JSON.stringify(cap)}`,
        );
      }
      caps.add(cap as Capability);
    }
  }
  const shorthand = /policy\s*=\s*"([^"]*)"/.exec(inner);
  if (shorthand) {
    const expanded = SHORTHAND[shorthand[1] as string];
    if (!expanded)
      throw parseError(
        `path ${JSON.stringify(pattern)}: invalid policy ${JSON.stringify(shorthand[1])}`,
      );
    for (const cap of expanded) caps.add(cap);
  }
  return caps;
}

/** One `min_wrapping_ttl` / `max_wrapping_ttl` (a string duration or a number of seconds). */
function wrappingTtl(pattern: string, inner: string, key: string): number {
  const match = new RegExp(`\\b${key}\\s*=\\s*(?:"([^"]*)"|(-?\\d+))`).exec(inner);
  if (!match) return 0;
  try {
    return parseDurationSecond(match[1] ?? Number(match[2]));
  } catch (error) {
    throw parseError(
      `path ${JSON.stringify(pattern)}: error parsing ${key}: ${(error as Error).message}`,
    );
  }
}

/** Vault's policy.go: both bounds parsed with ParseDurationSecond; max below min is refused. */
function ruleWrapping(pattern: string, inner: string) {
  const minWrappingTtl = wrappingTtl(pattern, inner, 'min_wrapping_ttl');
  const maxWrappingTtl = wrappingTtl(pattern, inner, 'max_wrapping_ttl');
  if (minWrappingTtl !== 0 && maxWrappingTtl !== 0 && maxWrappingTtl < minWrappingTtl)
    throw parseError('max_wrapping_ttl cannot be less than min_wrapping_ttl');
  return { minWrappingTtl, maxWrappingTtl };
}

/** Parses the HCL subset `path "p" { capabilities = [...] }` (and Vault's JSON form). */
export function parsePolicy(text: string): PathRule[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJsonPolicy(trimmed);
  const source = stripComments(text);
  const rules: PathRule[] = [];
  const block = /path\s+"([^"]*)"\s*\{([^{}]*)\}/g;
  let consumed = source;
  for (const match of source.matchAll(block)) {
    const pattern = match[1] as string;
    rules.push({
      pattern: pattern.replace(/^\//, ''),
      capabilities: ruleCapabilities(pattern, match[2] as string),
      ...ruleWrapping(pattern, match[2] as string),
    });
    consumed = consumed.replace(match[0], '');
  }
  if (consumed.trim() !== '')
    throw parseError(`unexpected text ${JSON.stringify(consumed.trim().slice(0, 40))}`);
  return rules;
}

function parseJsonPolicy(text: string): PathRule[] {
  let parsed: {
    path?: Record<
      string,
      {
        capabilities?: string[];
        policy?: string;
        min_wrapping_ttl?: string | number;
        max_wrapping_ttl?: string | number;
      }
    >;
  };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw parseError((error as Error).message);
  }
  return Object.entries(parsed.path ?? {}).map(([pattern, body]) => {
    const wrapping = ['min_wrapping_ttl', 'max_wrapping_ttl'] as const;
    const bounds = wrapping
      .filter((key) => body[key] !== undefined)
      .map((key) => ` ${key} = ${JSON.stringify(body[key])}`)
      .join('');
    const inner = `capabilities = ${JSON.stringify(body.capabilities ?? [])}${body.policy ? ` policy = "${body.policy}"` : ''}${bounds}`;
    return {
      pattern: pattern.replace(/^\//, ''),
      capabilities: ruleCapabilities(pattern, inner),
      ...ruleWrapping(pattern, inner),
    };
  });
}
