/**
 * Runs the test server by hand or for the demo:
 *   npx node test/vault-server/main.ts [--tls] [--port N] [--uninitialized] [--sealed] [--nodes N]
 * Prints VAULT_ADDR (one per node with --nodes), the root token (and VAULT_CACERT with --tls);
 * stops on SIGINT/SIGTERM. --port applies to a single server only.
 */
import { startVaultCluster, startVaultServer } from './index.ts';

const args = process.argv.slice(2);
const numberAfter = (flag: string) =>
  args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : 0;
const port = numberAfter('--port');
const nodes = numberAfter('--nodes');
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
  const servers = cluster?.nodes ?? [await startVaultServer({ ...options, port })];
  const first = servers[0];
  for (const [i, server] of servers.entries())
    console.log(`${cluster ? `node ${i + 1}: ` : ''}VAULT_ADDR=${server.addr}`);
  console.log(`VAULT_TOKEN=${first?.rootToken ?? ''}`);
  const caFile = cluster?.caCertFile ?? first?.caCertFile;
  if (caFile) console.log(`VAULT_CACERT=${caFile}`);
  for (const [i, key] of (first?.unsealKeys ?? []).entries())
    console.log(`Unseal Key ${i + 1}: ${key}`);
  const shutdown = () => void (cluster ? cluster.close() : first?.close());
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
