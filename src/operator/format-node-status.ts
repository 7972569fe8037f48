import type { NodeStatus } from './node-status.ts';

const COLUMNS = [
  'NODE',
  'INITIALIZED',
  'SEALED',
  'PROGRESS',
  'ROLE',
  'VERSION',
  'CLUSTER',
  'LEADER',
];

const yesNo = (value: boolean | undefined) => (value === undefined ? '-' : value ? 'yes' : 'no');

function cells(node: NodeStatus): string[] {
  const progress =
    node.sealed && node.threshold !== undefined ? `${node.progress ?? 0}/${node.threshold}` : '-';
  return [
    node.address,
    yesNo(node.initialized),
    yesNo(node.sealed),
    progress,
    node.role,
    node.version ?? '-',
    node.clusterName ?? '-',
    node.leader ?? '-',
  ];
}

/** The per-node table `operator status` prints, columns padded; errors follow it. */
export function nodeStatusTable(nodes: readonly NodeStatus[], healthy: boolean): string {
  const rows = [COLUMNS, ...nodes.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  for (const node of nodes) if (node.error) lines.push(`${node.address}: ${node.error}`);
  const active = nodes.filter((n) => n.role === 'active').length;
  lines.push(
    healthy
      ? 'cluster: healthy (every node unsealed, one active)'
      : `cluster: NOT healthy (${active} active of ${nodes.length}; every node must be unsealed and exactly one active)`,
  );
  return `${lines.join('\n')}\n`;
}

/** `--json`: the verdict and every node's fields. */
export function nodeStatusJson(nodes: readonly NodeStatus[], healthy: boolean): string {
  return `${JSON.stringify({ healthy, nodes }, null, 2)}\n`;
}
