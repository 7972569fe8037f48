import { isIP } from 'node:net';
import { VaultHttpError } from '../backend.ts';
import { isCidr } from '../cidr.ts';
import type { FieldData } from '../engines/field-data.ts';
import { durationField } from '../go-duration.ts';

export type TokenType = 'default' | 'service' | 'batch' | 'default-service' | 'default-batch';

/**
 * sdk/helper/tokenutil's TokenParams plus the deprecated pre-1.2 names a role still stores
 * (`policies`, `ttl`, `max_ttl`, `period`, `num_uses`, `bound_cidrs`), which the plugins keep in
 * step with UpgradeValue. Durations in seconds.
 */
export interface TokenParams {
  tokenTtl: number;
  tokenMaxTtl: number;
  tokenPeriod: number;
  tokenExplicitMaxTtl: number;
  tokenNumUses: number;
  tokenPolicies: string[];
  tokenBoundCidrs: string[];
  tokenNoDefaultPolicy: boolean;
  tokenType: TokenType;
  legacy: {
    policies: string[];
    ttl: number;
    maxTtl: number;
    period: number;
    numUses: number;
    boundCidrs: string[];
  };
}

export function newTokenParams(): TokenParams {
  return {
    tokenTtl: 0,
    tokenMaxTtl: 0,
    tokenPeriod: 0,
    tokenExplicitMaxTtl: 0,
    tokenNumUses: 0,
    tokenPolicies: [],
    tokenBoundCidrs: [],
    tokenNoDefaultPolicy: false,
    tokenType: 'default',
    legacy: { policies: [], ttl: 0, maxTtl: 0, period: 0, numUses: 0, boundCidrs: [] },
  };
}

const TOKEN_TYPES: TokenType[] = [
  'default',
  'service',
  'batch',
  'default-service',
  'default-batch',
];

function fail(text: string): never {
  throw new VaultHttpError(400, [text]);
}

/** parseutil.ParseAddrs: each entry an address or CIDR (sockaddr's own text is approximated). */
function addresses(fields: FieldData, name: string): string[] {
  const list = fields.commaStrings(name);
  for (const addr of list) {
    if (!isCidr(addr) && isIP(addr) === 0)
      fail(
        `error parsing address ${JSON.stringify(addr)}: Unable to convert ${addr} to an IPv4 or IPv6 address`,
      );
  }
  return list;
}

/** A TypeDurationSecond field (signs allowed), `current` when not sent. */
export function secondsField(fields: FieldData, name: string, current: number): number {
  return durationField({ [name]: fields.raw(name) }, name, current);
}

const seconds = secondsField;

/** A copy a role write can change without touching the stored role until it succeeds. */
export function copyTokenParams(t: TokenParams): TokenParams {
  return { ...t, legacy: { ...t.legacy } };
}

/** tokenutil ParseTokenFields: the same checks, in the same order, with the same texts. */
export function parseTokenFields(t: TokenParams, fields: FieldData): void {
  if (fields.has('token_bound_cidrs')) t.tokenBoundCidrs = addresses(fields, 'token_bound_cidrs');
  t.tokenExplicitMaxTtl = seconds(fields, 'token_explicit_max_ttl', t.tokenExplicitMaxTtl);
  t.tokenMaxTtl = seconds(fields, 'token_max_ttl', t.tokenMaxTtl);
  if (t.tokenMaxTtl < 0) fail("'token_max_ttl' cannot be negative");
  t.tokenNoDefaultPolicy = fields.bool('token_no_default_policy', t.tokenNoDefaultPolicy);
  t.tokenPeriod = seconds(fields, 'token_period', t.tokenPeriod);
  if (t.tokenPeriod < 0) fail("'token_period' cannot be negative");
  if (fields.has('token_policies')) t.tokenPolicies = fields.commaStrings('token_policies');
  if (fields.has('token_type')) {
    const type = fields.string('token_type');
    if (!TOKEN_TYPES.includes(type as TokenType) && type !== '')
      fail(`invalid 'token_type' value ${JSON.stringify(type)}`);
    t.tokenType = (type || 'default') as TokenType;
  }
  if (t.tokenType === 'batch' || t.tokenType === 'default-batch') {
    if (t.tokenPeriod !== 0)
      fail(
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
      );
    if (t.tokenNumUses !== 0)
      fail(
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
      );
  }
  t.tokenTtl = seconds(fields, 'token_ttl', t.tokenTtl);
  if (t.tokenTtl < 0) fail("'token_ttl' cannot be negative");
  if (t.tokenTtl > 0 && t.tokenMaxTtl > 0 && t.tokenTtl > t.tokenMaxTtl)
    fail("'token_ttl' cannot be greater than 'token_max_ttl'");
  t.tokenNumUses = fields.int('token_num_uses', t.tokenNumUses);
  if (t.tokenNumUses < 0) fail("'token_num_uses' cannot be negative");
}

type LegacyKey = keyof TokenParams['legacy'];
type TokenKey =
  | 'tokenPolicies'
  | 'tokenBoundCidrs'
  | 'tokenNumUses'
  | 'tokenTtl'
  | 'tokenMaxTtl'
  | 'tokenPeriod';

/** Deprecated name, current name, and where each keeps its value. */
const LEGACY_FIELDS: [string, string, LegacyKey, TokenKey][] = [
  ['policies', 'token_policies', 'policies', 'tokenPolicies'],
  ['bound_cidrs', 'token_bound_cidrs', 'boundCidrs', 'tokenBoundCidrs'],
  ['num_uses', 'token_num_uses', 'numUses', 'tokenNumUses'],
  ['ttl', 'token_ttl', 'ttl', 'tokenTtl'],
  ['max_ttl', 'token_max_ttl', 'maxTtl', 'tokenMaxTtl'],
  ['period', 'token_period', 'period', 'tokenPeriod'],
];

function readLegacy(fields: FieldData, name: string): string[] | number {
  if (name === 'policies') return fields.commaStrings(name);
  if (name === 'bound_cidrs') return addresses(fields, name);
  if (name === 'num_uses') return fields.int(name, 0);
  return secondsField(fields, name, 0);
}

/**
 * tokenutil.UpgradeValue for the six deprecated names: an old name alone sets both; with the
 * new name given, the old one follows it when also given and is cleared otherwise.
 */
export function upgradeLegacyFields(t: TokenParams, fields: FieldData): void {
  const legacy = t.legacy as Record<LegacyKey, string[] | number>;
  const current = t as unknown as Record<TokenKey, string[] | number>;
  for (const [oldName, newName, key, tokenKey] of LEGACY_FIELDS) {
    if (!fields.has(newName)) {
      if (!fields.has(oldName)) continue;
      legacy[key] = readLegacy(fields, oldName);
      current[tokenKey] = legacy[key];
    } else if (fields.has(oldName)) legacy[key] = current[tokenKey];
    else legacy[key] = Array.isArray(legacy[key]) ? [] : 0;
  }
}

/** tokenutil PopulateTokenData plus the deprecated names the plugins show when set. */
export function tokenData(t: TokenParams): Record<string, unknown> {
  const data: Record<string, unknown> = {
    token_bound_cidrs: t.tokenBoundCidrs,
    token_explicit_max_ttl: t.tokenExplicitMaxTtl,
    token_max_ttl: t.tokenMaxTtl,
    token_no_default_policy: t.tokenNoDefaultPolicy,
    token_num_uses: t.tokenNumUses,
    token_period: t.tokenPeriod,
    token_policies: t.tokenPolicies,
    token_ttl: t.tokenTtl,
    token_type: t.tokenType,
  };
  const old = t.legacy;
  if (old.policies.length > 0) data.policies = t.tokenPolicies;
  if (old.boundCidrs.length > 0) data.bound_cidrs = t.tokenBoundCidrs;
  if (old.ttl > 0) data.ttl = old.ttl;
  if (old.maxTtl > 0) data.max_ttl = old.maxTtl;
  if (old.period > 0) data.period = old.period;
  if (old.numUses > 0) data.num_uses = old.numUses;
  return data;
}
