import { Acl } from './acl.ts';
import { VaultHttpError } from './backend.ts';
import { type PathRule, parsePolicy } from './policy-parser.ts';

/** The parts of Vault's built-in `default` policy that matter to clients of this server. */
const DEFAULT_POLICY = `
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
path "sys/internal/ui/resultant-acl" { capabilities = ["read"] }
path "sys/renew" { capabilities = ["update"] }
path "sys/leases/renew" { capabilities = ["update"] }
path "sys/leases/lookup" { capabilities = ["update"] }
path "sys/wrapping/wrap" { capabilities = ["update"] }
path "sys/wrapping/lookup" { capabilities = ["update"] }
path "sys/wrapping/unwrap" { capabilities = ["update"] }
path "cubbyhole/*" { capabilities = ["create", "read", "update", "delete", "list"] }
`;

/** Vault's `response-wrapping` policy: a wrapping token can only unwrap (and be looked up). */
const RESPONSE_WRAPPING_POLICY = `
path "cubbyhole/response" { capabilities = ["create", "read"] }
path "sys/wrapping/unwrap" { capabilities = ["update"] }
path "sys/wrapping/lookup" { capabilities = ["update"] }
`;

interface StoredPolicy {
  text: string;
  rules: PathRule[];
}

/** ACL policies by name, with the built-in root, default and response-wrapping ones. */
export class PolicyStore {
  readonly #policies = new Map<string, StoredPolicy>();

  constructor() {
    this.#policies.set('default', {
      text: DEFAULT_POLICY.trim(),
      rules: parsePolicy(DEFAULT_POLICY),
    });
    this.#policies.set('response-wrapping', {
      text: RESPONSE_WRAPPING_POLICY.trim(),
      rules: parsePolicy(RESPONSE_WRAPPING_POLICY),
    });
  }

  put(name: string, text: string): void {
    const lower = name.toLowerCase();
    if (lower === 'root') throw new VaultHttpError(400, ['cannot update "root" policy']);
    if (lower === 'response-wrapping')
      throw new VaultHttpError(400, ['cannot update "response-wrapping" policy']);
    this.#policies.set(lower, { text, rules: parsePolicy(text) });
  }

  get(name: string): string | undefined {
    if (name === 'root') return '';
    return this.#policies.get(name.toLowerCase())?.text;
  }

  delete(name: string): void {
    const lower = name.toLowerCase();
    if (lower === 'root' || lower === 'default' || lower === 'response-wrapping') {
      throw new VaultHttpError(400, [`cannot delete "${lower}" policy`]);
    }
    this.#policies.delete(lower);
  }

  names(): string[] {
    return [...[...this.#policies.keys()].filter((n) => n !== 'response-wrapping'), 'root'].sort();
  }

  /** The ACL of a token holding these policies (unknown names grant nothing, as in Vault). */
  acl(policyNames: string[]): Acl {
    const rules = policyNames.map((n) => this.#policies.get(n)?.rules ?? []);
    return new Acl(rules, policyNames.includes('root'));
  }
}

/** Vault's policyutil.SanitizePolicies: trimmed, lowercased, deduplicated, sorted, `default` added. */
export function sanitizePolicies(policies: string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  if (set.has('root')) return ['root'];
  if (addDefault) set.add('default');
  return [...set].sort();
}

/** Accepts a JSON list or a comma-separated string (Vault's TypeCommaStringSlice). */
export function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value))
    return value
      .map(String)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
