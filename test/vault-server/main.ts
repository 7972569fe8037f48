/**
 * Runs the test server by hand, for the demo, or in its Docker image:
 *   npx node test/vault-server/main.ts [--tls] [--port N] [--host ADDR] [--root-token ID]
 *     [--log-requests] [--uninitialized] [--sealed] [--nodes N]
 * Prints VAULT_ADDR (one per node with --nodes), the root token (and VAULT_CACERT with --tls);
 * stops on SIGINT/SIGTERM. --port, --host and --root-token apply to a single server only:
 * --host 0.0.0.0 and --root-token are `vault server -dev`'s -dev-listen-address and
 * -dev-root-token-id. --log-requests prints `request: METHOD path → status` per request (no
 * bodies, no tokens): a test driving the server in a container waits on those lines.
 */

import { startVaultCluster, startVaultServer } from './index.ts';
import { describeRequest } from './request-log.ts';

const args = process.argv.slice(2);
const valueAfter = (flag: string) =>
  args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined;
const numberAfter = (flag: string) => Number(valueAfter(flag) ?? 0);
const port = numberAfter('--port');
const nodes = numberAfter('--nodes');
const host = valueAfter('--host');
const rootTokenId = valueAfter('--root-token');
const options = {
  tls: args.includes('--tls'),
  initialized: !args.includes('--uninitialized'),
  sealed: args.includes('--sealed'),
};
if (!Number.isInteger(port) || port < 0 || !Number.isInteger(nodes) || nodes < 0) {
  console.error('--port expects a port number and --nodes a node count');
  process.exitCode = 64;
} else {
  const cluster = nodes > 0 ? await startVaultCluster({ ...options, nodes }) : undefined;
  const servers = cluster?.nodes ?? [
    await startVaultServer({
      ...options,
      port,
      ...(host ? { host } : {}),
      ...(rootTokenId ? { rootTokenId } : {}),
    }),
  ];
  const first = servers[0];
  for (const [i, server] of servers.entries())
    console.log(`${cluster ? `node ${i + 1}: ` : ''}VAULT_ADDR=${server.addr}`);
  console.log(`VAULT_TOKEN=${first?.rootToken ?? ''}`);
  const caFile = cluster?.caCertFile ?? first?.caCertFile;
  if (caFile) console.log(`VAULT_CACERT=${caFile}`);
  for (const [i, key] of (first?.unsealKeys ?? []).entries())
    console.log(`Unseal Key ${i + 1}: ${key}`);
  if (args.includes('--log-requests'))
    for (const server of servers)
      server.log.onRequest((entry) => console.log(`request: ${describeRequest(entry)}`));
  const shutdown = () => void (cluster ? cluster.close() : first?.close());
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
