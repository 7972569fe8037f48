import { VaultHttpError } from './backend.ts';
import type { ClusterNode } from './cluster-node.ts';
import { rfc3339Nano } from './go-duration.ts';
import { SEALED_TEXT } from './vault-errors.ts';

/** Go's zero time.Time: what `active_time` shows on every node but the active one. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * sys/leader of one node (core.GetLeaderStatus): raw JSON in LeaderResponse's field order.
 * `last_wal` is 0 outside Enterprise and omitted (omitempty); the raft indexes only exist with
 * HA (integrated storage). A single server has no HA: `ha_enabled: false`, sealed or not.
 */
export function leaderStatus(node: ClusterNode): Record<string, unknown> {
  const ha = node.core.ha;
  const body: Record<string, unknown> = {
    ha_enabled: ha.enabled,
    is_self: false,
    active_time: ZERO_TIME,
    leader_address: '',
    leader_cluster_address: '',
    performance_standby: false,
    performance_standby_last_remote_wal: 0,
  };
  if (!ha.enabled) return body;
  // core.Leader() answers ErrSealed before anything else, and the HTTP layer makes that a 503.
  if (!node.unsealed) throw new VaultHttpError(503, [SEALED_TEXT]);
  const active = ha.active;
  body.is_self = active === node;
  if (active === node) body.active_time = rfc3339Nano(node.activeSinceMs);
  // A standby that has not seen an election yet knows no leader: both addresses stay "".
  if (active) {
    body.leader_address = active.apiAddr;
    body.leader_cluster_address = active.clusterAddr;
  }
  body.performance_standby = ha.roleOf(node) === 'performance';
  body.raft_committed_index = ha.raftIndex;
  body.raft_applied_index = ha.raftIndex;
  return body;
}
