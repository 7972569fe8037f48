import { tryParseDuration } from '../config/duration.ts';
import { UsageError } from '../errors/keyturn-error.ts';

/** The flags `issue-secret-id` and `launch` share, as commander hands them over. */
export interface SecretIdFlags {
  /** Required by commander; optional here so a command's options type stays a plain record. */
  role?: string;
  mount?: string;
  wrapTtl?: string;
  cidr?: string[];
  metadata?: string[];
  numUses?: string;
  ttl?: string;
}

/** One `POST auth/<mount>/role/<role>/secret-id`, checked before anything is sent. */
export interface SecretIdRequest {
  mount: string;
  role: string;
  /** Whole seconds: what goes into X-Vault-Wrap-TTL. */
  wrapTtlSeconds: number;
  body: {
    metadata?: string;
    cidr_list?: string[];
    num_uses?: number;
    ttl?: number;
  };
}

const NAME = /^[\w.-]+$/;

/**
 * Turns the flags into the request, naming every bad one at once (exit 64). Vault takes
 * `metadata` as one JSON string of string values (approle path_role.go parses it with
 * ParseArbitraryKeyValues), so repeated `--metadata k=v` become one object, encoded once.
 */
export function secretIdRequest(flags: SecretIdFlags): SecretIdRequest {
  const problems: string[] = [];
  const mount = (flags.mount ?? 'approle').replace(/^\/+|\/+$/g, '');
  const role = flags.role ?? '';
  if (!NAME.test(role)) problems.push(`--role "${role}": not a role name`);
  const segments = mount.split('/');
  if (segments.some((seg) => !NAME.test(seg) || seg === '.' || seg === '..'))
    problems.push(`--mount "${flags.mount}": not a mount path`);
  const wrapTtlSeconds = seconds('--wrap-ttl', flags.wrapTtl ?? '120s', problems);
  if (wrapTtlSeconds === 0)
    problems.push('--wrap-ttl must be at least 1s: the secret ID is always response-wrapped');
  const body: SecretIdRequest['body'] = {};
  const metadata = metadataOf(flags.metadata ?? [], problems);
  if (metadata) body.metadata = JSON.stringify(metadata);
  if (flags.cidr && flags.cidr.length > 0) body.cidr_list = flags.cidr;
  if (flags.numUses !== undefined) {
    if (!/^\d+$/.test(flags.numUses))
      problems.push(`--num-uses "${flags.numUses}": expected a whole number (0 = unlimited)`);
    else body.num_uses = Number(flags.numUses);
  }
  if (flags.ttl !== undefined) body.ttl = seconds('--ttl', flags.ttl, problems);
  if (problems.length > 0)
    throw new UsageError(['invalid flags:', ...problems.map((p) => `  ${p}`)].join('\n'));
  return { mount, role, wrapTtlSeconds, body };
}

function seconds(flag: string, value: string, problems: string[]): number {
  const parsed = tryParseDuration(value);
  if (!parsed.ok) {
    problems.push(`${flag}: ${parsed.message}`);
    return 0;
  }
  if (parsed.ms % 1000 !== 0) problems.push(`${flag} ${value}: Vault counts whole seconds`);
  return Math.floor(parsed.ms / 1000);
}

function metadataOf(pairs: string[], problems: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at) : '';
    if (key === '') problems.push(`--metadata "${pair}": expected KEY=VALUE`);
    else if (key in out) problems.push(`--metadata ${key}: given twice`);
    else out[key] = pair.slice(at + 1);
  }
  return out;
}
