import { VaultHttpError } from './backend.ts';
import type { ClusterNode } from './cluster-node.ts';

export const VAULT_VERSION = '1.15.6';
export const BUILD_DATE = '2024-02-28T17:07:34Z';

const CODE_PARAMS = {
  activecode: 200,
  standbycode: 429,
  drsecondarycode: 472,
  performancestandbycode: 473,
  sealedcode: 503,
  uninitcode: 501,
} as const;

function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null) return false;
  // Go's strconv.ParseBool; an empty value (`?standbyok`) means true, as parseutil allows.
  if (['', '1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  throw new VaultHttpError(400, []);
}

function codeParams(query: URLSearchParams): Record<keyof typeof CODE_PARAMS, number> {
  const codes = { ...CODE_PARAMS } as Record<keyof typeof CODE_PARAMS, number>;
  for (const name of Object.keys(CODE_PARAMS) as (keyof typeof CODE_PARAMS)[]) {
    const raw = query.get(name);
    if (raw === null) continue;
    if (!/^-?\d+$/.test(raw)) throw new VaultHttpError(400, []);
    codes[name] = Number(raw);
  }
  return codes;
}

/** The status sys/health answers: the first of uninit, sealed, DR secondary, perf standby, standby. */
function healthCode(node: ClusterNode, query: URLSearchParams): number {
  const standbyOk = boolParam(query, 'standbyok');
  const perfStandbyOk = boolParam(query, 'perfstandbyok');
  const codes = codeParams(query);
  if (!node.seal.initialized) return codes.uninitcode;
  if (node.seal.sealed) return codes.sealedcode;
  const role = node.core.ha.roleOf(node);
  if (role === 'dr-secondary') return codes.drsecondarycode;
  if (role === 'performance')
    return perfStandbyOk ? codes.activecode : codes.performancestandbycode;
  if (role === 'standby') return standbyOk ? codes.activecode : codes.standbycode;
  return codes.activecode;
}

/** sys/health of one node: raw JSON, every status carries the body; no cluster fields while sealed. */
export function health(
  node: ClusterNode,
  query: URLSearchParams,
): { status: number; body: Record<string, unknown> } {
  const status = healthCode(node, query);
  const core = node.core;
  const unsealed = node.unsealed;
  const role = core.ha.roleOf(node);
  const body: Record<string, unknown> = {
    initialized: node.seal.initialized,
    sealed: node.seal.sealed,
    // A sealed or uninitialised node reports itself as standby, as Vault does.
    standby: !unsealed || role !== 'active',
    performance_standby: unsealed && role === 'performance',
    replication_performance_mode: 'disabled',
    replication_dr_mode: role === 'dr-secondary' ? 'secondary' : 'disabled',
    server_time_utc: Math.floor(core.clock.now() / 1000),
    version: VAULT_VERSION,
    enterprise: false,
  };
  if (unsealed) {
    body.cluster_name = core.clusterName;
    body.cluster_id = core.clusterId;
  }
  body.echo_duration_ms = 0;
  body.clock_skew_ms = 0;
  body.replication_primary_canary_age_ms = 0;
  return { status, body };
}

/** sys/seal-status of one node (also the answer of sys/unseal). */
export function sealStatus(node: ClusterNode): Record<string, unknown> {
  const core = node.core;
  const seal = node.seal;
  const body: Record<string, unknown> = {
    type: 'shamir',
    initialized: seal.initialized,
    sealed: seal.sealed,
    t: seal.threshold,
    n: seal.shares,
    progress: seal.progress,
    nonce: seal.nonce,
    version: VAULT_VERSION,
    build_date: BUILD_DATE,
    migration: false,
  };
  if (seal.initialized && !seal.sealed) {
    body.cluster_name = core.clusterName;
    body.cluster_id = core.clusterId;
  }
  body.recovery_seal = false;
  // A cluster stands for integrated storage, the usual HA setup; a single server for -dev's inmem.
  body.storage_type = core.ha.enabled ? 'raft' : 'inmem';
  return body;
}
