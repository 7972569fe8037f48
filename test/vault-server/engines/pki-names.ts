import { globMatch } from './glob-match.ts';
import type { PkiRole } from './pki-role.ts';

// Vault's `wildHostnameRegex` (builtin/logical/pki/issuing/issue_common.go), rebuilt piece by piece.
const LABEL = '([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])';
const LEFT_WILD = `(\\*|\\*${LABEL}|${LABEL}\\*|${LABEL}\\*${LABEL})`;
const HOSTNAME = `(${LABEL}\\.)*${LABEL}\\.?$`;
const WILD_HOSTNAME = new RegExp(`^(${LEFT_WILD}\\.)?${HOSTNAME}`);

/** Does this look like a DNS name (wildcards allowed) that may go into a DNS SAN? */
export function isHostname(name: string): boolean {
  return WILD_HOSTNAME.test(name);
}

interface ReducedName {
  reduced: string;
  emailDomain: string;
  isEmail: boolean;
  isWildcard: boolean;
  wildcardLabel: string;
}

/** Splits off an email user part and a wildcard label the way Vault does; undefined = malformed. */
function reduce(name: string, role: PkiRole): ReducedName | undefined {
  let reduced = name;
  let isEmail = false;
  if (reduced.includes('@')) {
    const parts = reduced.split('@');
    if (parts.length !== 2) return undefined;
    reduced = parts[1] ?? '';
    isEmail = true;
  }
  const emailDomain = reduced;
  const isWildcard = reduced.includes('*');
  let wildcardLabel = '';
  if (isWildcard) {
    if (!role.allowWildcardCertificates || isEmail) return undefined;
    if ((reduced.match(/\*/g) ?? []).length > 1) return undefined;
    const dot = reduced.indexOf('.');
    wildcardLabel = dot === -1 ? reduced : reduced.slice(0, dot);
    reduced = dot === -1 ? '' : reduced.slice(dot + 1);
    if (reduced.includes('*')) return undefined;
  }
  return { reduced, emailDomain, isEmail, isWildcard, wildcardLabel };
}

function allowedByLocalhost(n: ReducedName, role: PkiRole): boolean {
  if (!role.allowLocalhost) return false;
  for (const base of ['localhost', 'localdomain']) {
    if (n.reduced === base || (n.isEmail && n.emailDomain === base)) return true;
    if (
      role.allowSubdomains &&
      (n.reduced.endsWith(`.${base}`) || (n.isWildcard && n.reduced === base))
    ) {
      return true;
    }
  }
  return false;
}

function allowedByDomains(name: string, n: ReducedName, role: PkiRole): boolean {
  for (const domain of role.allowedDomains) {
    if (domain === '') continue;
    const same = (a: string) => a.toLowerCase() === domain.toLowerCase();
    if (role.allowBareDomains && (same(name) || (n.isEmail && same(n.emailDomain)))) return true;
    if (
      role.allowSubdomains &&
      (n.reduced.endsWith(`.${domain}`) || (n.isWildcard && same(n.reduced)))
    ) {
      return true;
    }
    if (
      role.allowGlobDomains &&
      domain.includes('*') &&
      globMatch(domain.toLowerCase(), name.toLowerCase())
    ) {
      return true;
    }
  }
  return false;
}

/** Vault's `ValidateNames`: the first name the role does not allow, or `undefined` if all pass. */
export function firstDisallowedName(role: PkiRole, names: string[]): string | undefined {
  for (const name of names) {
    const n = reduce(name, role);
    if (!n) return name;
    if (role.enforceHostnames && n.reduced !== '') {
      const checked = n.isWildcard ? `${n.wildcardLabel}.${n.reduced}` : n.reduced;
      if (!isHostname(checked)) return name;
    }
    if (role.allowAnyName) continue;
    if (allowedByLocalhost(n, role) || allowedByDomains(name, n, role)) continue;
    return name;
  }
  return undefined;
}
