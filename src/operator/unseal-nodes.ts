import { KeyturnError } from '../errors/keyturn-error.ts';
import type { VaultClient } from '../vault/client.ts';
import { describeSeal, readSealStatus, type SealStatus } from './seal-status.ts';

export interface NodeUnseal {
  address: string;
  /** The node's state after this run's call (or as found, when it needed none). */
  status?: SealStatus;
  /** What was done: `submitted`, `reset`, `already unsealed`, `not initialised`. */
  action?: string;
  /** Why this node could not be served (unreachable, key refused). */
  error?: KeyturnError;
}

export type UnsealRequest = { key: string } | { reset: true };

/** One node: read its state, then submit the key (or reset) only if it is sealed. */
async function unsealNode(client: VaultClient, request: UnsealRequest): Promise<NodeUnseal> {
  const address = client.address;
  try {
    const before = await readSealStatus(client);
    if (!before.initialized) return { address, status: before, action: 'not initialised' };
    if (!before.sealed) return { address, status: before, action: 'already unsealed' };
    const answer = await client.raw<SealStatus>('PUT', 'sys/unseal', { body: request });
    const action = 'reset' in request ? 'reset' : 'submitted';
    return { address, status: answer.body as SealStatus, action };
  } catch (error) {
    if (error instanceof KeyturnError) return { address, error };
    throw error;
  }
}

/**
 * Submits one share (or a reset) to every sealed node, in the order given — the first node
 * to unseal takes the HA lock. One node's failure does not stop the others.
 */
export async function unsealNodes(
  clients: readonly VaultClient[],
  request: UnsealRequest,
  report: (node: NodeUnseal) => void,
): Promise<NodeUnseal[]> {
  const results: NodeUnseal[] = [];
  for (const client of clients) {
    const result = await unsealNode(client, request);
    report(result);
    results.push(result);
  }
  return results;
}

/** `http://10.0.0.1:8200  submitted  sealed, progress 1/3`. */
export function unsealLine(node: NodeUnseal): string {
  if (node.error) return `${node.address}\terror\t${node.error.message}`;
  return `${node.address}\t${node.action}\t${node.status ? describeSeal(node.status) : ''}`;
}
