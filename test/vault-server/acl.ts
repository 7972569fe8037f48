import type { Capability, PathRule } from './policy-parser.ts';

/** Seconds, 0 = unset (Vault's ACLPermissions.MinWrappingTTL / MaxWrappingTTL). */
interface WrappingBounds {
  minWrappingTtl: number;
  maxWrappingTtl: number;
}

interface CompiledRule extends WrappingBounds {
  pattern: string;
  capabilities: Set<Capability>;
  exact: boolean;
  regex: RegExp;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(
  pattern: string,
  capabilities: Set<Capability>,
  bounds: WrappingBounds,
): CompiledRule {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const segments = body.split('/');
  const hasPlus = segments.includes('+');
  const source = segments.map((seg) => (seg === '+' ? '[^/]*' : escapeRegex(seg))).join('/');
  return {
    pattern,
    capabilities,
    ...bounds,
    exact: !glob && !hasPlus,
    regex: new RegExp(`^${source}${glob ? '.*' : ''}$`, 's'),
  };
}

function firstWildcard(pattern: string): number {
  const plus = pattern.split('/').indexOf('+');
  const plusAt =
    plus < 0 ? Number.POSITIVE_INFINITY : pattern.split('/').slice(0, plus).join('/').length;
  const star = pattern.endsWith('*') ? pattern.length - 1 : Number.POSITIVE_INFINITY;
  return Math.min(plusAt, star);
}

/** Vault's documented priority between two matching non-exact paths: > 0 when `a` wins. */
function comparePriority(a: string, b: string): number {
  const wa = firstWildcard(a);
  const wb = firstWildcard(b);
  if (wa !== wb) return wa - wb;
  const ga = a.endsWith('*');
  const gb = b.endsWith('*');
  if (ga !== gb) return ga ? -1 : 1;
  const pa = a.split('/').filter((s) => s === '+').length;
  const pb = b.split('/').filter((s) => s === '+').length;
  if (pa !== pb) return pb - pa;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The lesser of two bounds where 0 means "not set". */
function lesserSet(current: number, next: number): number {
  if (next <= 0) return current;
  return current === 0 || next < current ? next : current;
}

/** The merged rules of a token's policies; answers "may this token do op on path?". */
export class Acl {
  readonly root: boolean;
  readonly #rules: CompiledRule[];

  constructor(policies: PathRule[][], root: boolean) {
    this.root = root;
    const merged = new Map<string, { caps: Set<Capability> } & WrappingBounds>();
    for (const rule of policies.flat()) {
      const entry = merged.get(rule.pattern) ?? {
        caps: new Set<Capability>(),
        minWrappingTtl: 0,
        maxWrappingTtl: 0,
      };
      for (const cap of rule.capabilities) entry.caps.add(cap);
      // Vault's NewACL "prefers minimum lifetimes": the lesser of two set bounds wins.
      entry.minWrappingTtl = lesserSet(entry.minWrappingTtl, rule.minWrappingTtl);
      entry.maxWrappingTtl = lesserSet(entry.maxWrappingTtl, rule.maxWrappingTtl);
      merged.set(rule.pattern, entry);
    }
    this.#rules = [...merged].map(([pattern, { caps, ...bounds }]) =>
      compile(pattern, caps, bounds),
    );
  }

  /** The rule that governs `path`, or undefined when none matches. */
  #governing(path: string, list: boolean): CompiledRule | undefined {
    const exact = this.#rules.find(
      (r) => r.exact && (r.pattern === path || (list && r.pattern === path.replace(/\/$/, ''))),
    );
    if (exact) return exact;
    let best: CompiledRule | undefined;
    for (const rule of this.#rules) {
      if (rule.exact || !rule.regex.test(path)) continue;
      if (!best || comparePriority(rule.pattern, best.pattern) > 0) best = rule;
    }
    return best;
  }

  /** The capabilities of the rule that governs `path`, or null when no rule matches. */
  match(path: string, list = false): Set<Capability> | null {
    return this.#governing(path, list)?.capabilities ?? null;
  }

  /**
   * Vault's AllowOperation: the capability, sudo on root paths, and the rule's wrapping
   * bounds — a rule with `min_wrapping_ttl`/`max_wrapping_ttl` refuses a request that asks
   * for no wrapping (`wrapTtlSeconds` 0) or for a TTL outside them.
   */
  allows(path: string, capability: Capability, needsSudo = false, wrapTtlSeconds = 0): boolean {
    if (this.root) return true;
    const rule = this.#governing(path, capability === 'list');
    const caps = rule?.capabilities;
    if (!rule || !caps || caps.has('deny')) return false;
    if (!caps.has(capability) || (needsSudo && !caps.has('sudo'))) return false;
    const { minWrappingTtl: min, maxWrappingTtl: max } = rule;
    if (max > 0 && (wrapTtlSeconds <= 0 || wrapTtlSeconds > max)) return false;
    if (min > 0 && (wrapTtlSeconds <= 0 || wrapTtlSeconds < min)) return false;
    // Merged policies can cross their bounds; Vault then refuses everything.
    return !(min > 0 && max > 0 && max < min);
  }

  /** sys/capabilities-self's answer for one path: sorted, `["root"]` or `["deny"]`. */
  capabilityList(path: string): string[] {
    if (this.root) return ['root'];
    const caps = this.match(path);
    if (!caps || caps.size === 0 || caps.has('deny')) return ['deny'];
    return [...caps].sort();
  }

  /**
   * sys/internal/ui/mounts' hasMountAccess: some exact or glob rule grants something at or
   * under the mount. Rules with `+` are not consulted (hashicorp/vault#6525).
   */
  hasMountAccess(mountPath: string): boolean {
    if (this.root) return true;
    return this.#rules.some((rule) => {
      if (rule.pattern.split('/').includes('+')) return false;
      if (rule.capabilities.size === 0 || rule.capabilities.has('deny')) return false;
      const prefix = rule.pattern.endsWith('*') ? rule.pattern.slice(0, -1) : rule.pattern;
      return (
        prefix.startsWith(mountPath) || (rule.pattern.endsWith('*') && mountPath.startsWith(prefix))
      );
    });
  }
}
