import type { CommandRun } from '../context.ts';
import { openNodes } from '../open-nodes.ts';

/**
 * `keyturn operator status [--json]` (SPEC §1): seal and HA state of every node; exit 0
 * only when every node is unsealed and exactly one is active, else 1.
 */
export async function run(run: CommandRun<{ addr?: string[]; json?: boolean }>): Promise<number> {
  const { out, options } = run;
  const { nodeStatus, clusterHealthy } = await import('../../operator/node-status.ts');
  const { nodeStatusJson, nodeStatusTable } = await import('../../operator/format-node-status.ts');
  const nodes = await openNodes(run, options.addr ?? []);
  try {
    const statuses = await Promise.all(nodes.clients.map((client) => nodeStatus(client)));
    const healthy = clusterHealthy(statuses);
    out.print(
      options.json ? nodeStatusJson(statuses, healthy) : nodeStatusTable(statuses, healthy),
    );
    return healthy ? 0 : 1;
  } finally {
    nodes.close();
  }
}
