import type { AppRole, AppRoleBackend, SecretIdEntry } from './approle-backend.ts';
import { VaultHttpError } from './backend.ts';
import { isCidr } from './cidr.ts';
import { durationField, rfc3339Nano } from './go-duration.ts';
import { stringList } from './policy-store.ts';
import { uuid } from './random-id.ts';
import { type CoreResponse, wrapper } from './wire-response.ts';

const MOUNT = 'approle';

/** Vault's strutil.ParseArbitraryKeyValues: a JSON object (maybe base64) or `k=v,k2=v2`. */
export function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'object')
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  const text = String(raw);
  for (const candidate of [text, Buffer.from(text, 'base64').toString('utf8')]) {
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (
        parsed &&
        typeof parsed === 'object' &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every((v) => typeof v === 'string')
      ) {
        return parsed as Record<string, string>;
      }
    } catch {
      // not JSON: try the next form
    }
  }
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new VaultHttpError(400, [
        `failed to parse metadata: invalid key/value pair ${JSON.stringify(pair)}: format must be key=value`,
      ]);
    }
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

function numUsesOf(body: Record<string, unknown>, role: AppRole): number {
  if (body.num_uses === undefined || body.num_uses === null) return role.secretIdNumUses;
  const numUses = Number(body.num_uses);
  if (numUses < 0) throw new VaultHttpError(400, ['num_uses cannot be negative']);
  if (
    (numUses === 0 && role.secretIdNumUses > 0) ||
    (role.secretIdNumUses > 0 && numUses > role.secretIdNumUses)
  ) {
    throw new VaultHttpError(400, ["num_uses cannot be higher than the role's secret_id_num_uses"]);
  }
  return numUses;
}

function ttlOf(body: Record<string, unknown>, role: AppRole): number {
  if (body.ttl === undefined || body.ttl === null) return role.secretIdTtlSeconds;
  const ttl = durationField(body, 'ttl');
  if (
    (ttl === 0 && role.secretIdTtlSeconds > 0) ||
    (role.secretIdTtlSeconds > 0 && ttl > role.secretIdTtlSeconds)
  ) {
    throw new VaultHttpError(400, ["ttl cannot be longer than the role's secret_id_ttl"]);
  }
  return ttl;
}

function cidrsOf(body: Record<string, unknown>, field: string, error: string): string[] {
  const cidrs = stringList(body[field]);
  if (cidrs.some((c) => !isCidr(c))) throw new VaultHttpError(400, [error]);
  return cidrs;
}

/** role/:r/secret-id and role/:r/custom-secret-id: Vault's checks in its order. */
export function createSecretId(
  backend: AppRoleBackend,
  roleName: string,
  body: Record<string, unknown>,
  custom: boolean,
): CoreResponse {
  const role = backend.roles.get(roleName);
  if (!role) throw new VaultHttpError(404, [`role ${JSON.stringify(roleName)} does not exist`]);
  if (!role.bindSecretId) throw new VaultHttpError(400, ['bind_secret_id is not set on the role']);
  const secretId = custom ? String(body.secret_id ?? '') : uuid();
  if (secretId === '') throw new VaultHttpError(400, ['missing secret_id']);
  const cidrList = cidrsOf(body, 'cidr_list', 'failed to validate CIDR blocks');
  const tokenBoundCidrs = cidrsOf(
    body,
    'token_bound_cidrs',
    'failed to validate token bound CIDR blocks',
  );
  const numUses = numUsesOf(body, role);
  const ttlSeconds = ttlOf(body, role);
  const metadata = parseMetadata(body.metadata);
  const entry = backend.addSecretId({
    secretId,
    accessor: uuid(),
    roleName,
    numUses,
    ttlSeconds,
    cidrList,
    tokenBoundCidrs,
    metadata,
  });
  return wrapper({
    data: {
      secret_id: entry.secretId,
      secret_id_accessor: entry.accessor,
      secret_id_num_uses: entry.numUses,
      secret_id_ttl: entry.ttlSeconds,
    },
    mountType: MOUNT,
    wrappedAccessor: entry.accessor,
  });
}

/** role/:r/secret-id/lookup: the secret ID's properties (never the ID itself). */
export function secretIdData(entry: SecretIdEntry): Record<string, unknown> {
  return {
    cidr_list: entry.cidrList,
    creation_time: rfc3339Nano(entry.creationMs),
    expiration_time: entry.expireMs === null ? '0001-01-01T00:00:00Z' : rfc3339Nano(entry.expireMs),
    last_updated_time: rfc3339Nano(entry.creationMs),
    metadata: entry.metadata,
    secret_id_accessor: entry.accessor,
    secret_id_num_uses: entry.numUses,
    secret_id_ttl: entry.ttlSeconds,
    token_bound_cidrs: entry.tokenBoundCidrs,
  };
}
