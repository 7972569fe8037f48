import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';

/** A node's HA role as sys/health's status code tells it (WIRE §1 and §9). */
export type NodeRole =
  | 'active'
  | 'standby'
  | 'performance standby'
  | 'dr secondary'
  | 'sealed'
  | 'uninitialized'
  | 'unreachable'
  | 'unknown';

export interface NodeStatus {
  address: string;
  role: NodeRole;
  initialized?: boolean;
  sealed?: boolean;
  /** Unseal progress and threshold: `1/3`. */
  progress?: number;
  threshold?: number;
  version?: string;
  clusterName?: string;
  /** The active node's address as this node knows it (sys/leader). */
  leader?: string;
  error?: string;
}

const ROLES: Record<number, NodeRole> = {
  200: 'active',
  429: 'standby',
  472: 'dr secondary',
  473: 'performance standby',
  501: 'uninitialized',
  503: 'sealed',
};

interface Health {
  initialized?: boolean;
  sealed?: boolean;
  version?: string;
  cluster_name?: string;
}
interface Seal {
  t?: number;
  progress?: number;
  version?: string;
  cluster_name?: string;
}

/** sys/health (the role), sys/seal-status (progress) and sys/leader (the active's address): no token needed. */
export async function nodeStatus(client: VaultClient): Promise<NodeStatus> {
  const address = client.address;
  try {
    const health = await client.raw<Health>('GET', 'sys/health');
    const seal = (await client.raw<Seal>('GET', 'sys/seal-status')).body ?? {};
    const body = health.body ?? {};
    const status: NodeStatus = {
      address,
      role: ROLES[health.status] ?? 'unknown',
      initialized: body.initialized,
      sealed: body.sealed,
      progress: seal.progress,
      threshold: seal.t,
      version: body.version ?? seal.version,
      clusterName: body.cluster_name ?? seal.cluster_name,
    };
    const leader = await leaderAddress(client);
    if (leader) status.leader = leader;
    return status;
  } catch (error) {
    return {
      address,
      role: 'unreachable',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** A sealed node answers sys/leader 503: it then knows no leader. */
async function leaderAddress(client: VaultClient): Promise<string | undefined> {
  try {
    const answer = await client.raw<{ leader_address?: string }>('GET', 'sys/leader');
    return answer.body?.leader_address || undefined;
  } catch (error) {
    if (error instanceof VaultResponseError) return undefined;
    throw error;
  }
}

/** SPEC §1: healthy only when every node is unsealed and exactly one is active. */
export function clusterHealthy(nodes: readonly NodeStatus[]): boolean {
  const unsealed = nodes.every((n) => n.initialized === true && n.sealed === false);
  return unsealed && nodes.filter((n) => n.role === 'active').length === 1;
}
