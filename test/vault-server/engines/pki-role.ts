import { badRequest } from './engine-errors.ts';
import type { FieldData } from './field-data.ts';
import { defaultKeyBits, validateKeyType } from './pki-keys.ts';

/** A PKI role: which names may be issued, with what key, for how long. */
export interface PkiRole {
  ttlSeconds: number;
  maxTtlSeconds: number;
  allowLocalhost: boolean;
  allowedDomains: string[];
  allowBareDomains: boolean;
  allowSubdomains: boolean;
  allowGlobDomains: boolean;
  allowWildcardCertificates: boolean;
  allowAnyName: boolean;
  enforceHostnames: boolean;
  allowIpSans: boolean;
  serverFlag: boolean;
  clientFlag: boolean;
  keyType: string;
  keyBits: number;
  generateLease: boolean;
  noStore: boolean;
  requireCn: boolean;
  notBeforeDurationSeconds: number;
  keyUsage: string[];
  organization: string[];
  ou: string[];
  issuerRef: string;
}

/** POST `roles/:name` replaces the role; missing fields take Vault 1.15's defaults. */
export function parseRole(fields: FieldData): PkiRole {
  const keyType = fields.string('key_type', 'rsa');
  const keyBits = defaultKeyBits(keyType, fields.int('key_bits', 0));
  validateKeyType(keyType, keyBits);
  const role: PkiRole = {
    ttlSeconds: fields.durationSeconds('ttl'),
    maxTtlSeconds: fields.durationSeconds('max_ttl'),
    allowLocalhost: fields.bool('allow_localhost', true),
    allowedDomains: fields.commaStrings('allowed_domains'),
    allowBareDomains: fields.bool('allow_bare_domains', false),
    allowSubdomains: fields.bool('allow_subdomains', false),
    allowGlobDomains: fields.bool('allow_glob_domains', false),
    allowWildcardCertificates: fields.bool('allow_wildcard_certificates', true),
    allowAnyName: fields.bool('allow_any_name', false),
    enforceHostnames: fields.bool('enforce_hostnames', true),
    allowIpSans: fields.bool('allow_ip_sans', true),
    serverFlag: fields.bool('server_flag', true),
    clientFlag: fields.bool('client_flag', true),
    keyType,
    keyBits,
    generateLease: fields.bool('generate_lease', false),
    noStore: fields.bool('no_store', false),
    requireCn: fields.bool('require_cn', true),
    notBeforeDurationSeconds: fields.durationSeconds('not_before_duration', 30),
    keyUsage: fields.has('key_usage')
      ? fields.commaStrings('key_usage')
      : ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
    organization: fields.commaStrings('organization'),
    ou: fields.commaStrings('ou'),
    issuerRef: fields.string('issuer_ref', 'default'),
  };
  if (role.maxTtlSeconds > 0 && role.ttlSeconds > role.maxTtlSeconds) {
    throw badRequest('"ttl" value must be less than "max_ttl" value');
  }
  return role;
}

/** GET `roles/:name`: the role in Vault's field names (TTLs in seconds). */
export function roleResponse(role: PkiRole): Record<string, unknown> {
  return {
    allow_any_name: role.allowAnyName,
    allow_bare_domains: role.allowBareDomains,
    allow_glob_domains: role.allowGlobDomains,
    allow_ip_sans: role.allowIpSans,
    allow_localhost: role.allowLocalhost,
    allow_subdomains: role.allowSubdomains,
    allow_wildcard_certificates: role.allowWildcardCertificates,
    allowed_domains: role.allowedDomains,
    client_flag: role.clientFlag,
    enforce_hostnames: role.enforceHostnames,
    generate_lease: role.generateLease,
    issuer_ref: role.issuerRef,
    key_bits: role.keyBits,
    key_type: role.keyType,
    key_usage: role.keyUsage,
    max_ttl: role.maxTtlSeconds,
    no_store: role.noStore,
    not_before_duration: role.notBeforeDurationSeconds,
    organization: role.organization,
    ou: role.ou,
    require_cn: role.requireCn,
    server_flag: role.serverFlag,
    ttl: role.ttlSeconds,
  };
}
