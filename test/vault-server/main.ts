/**
 * Runs the test server by hand or for the demo:
 *   npx node test/vault-server/main.ts [--tls] [--port N] [--uninitialized] [--sealed]
 * Prints VAULT_ADDR, the root token (and VAULT_CACERT with --tls); stops on SIGINT/SIGTERM.
 */
import { startVaultServer } from './index.ts';

const args = process.argv.slice(2);
const portAt = args.indexOf('--port');
const port = portAt >= 0 ? Number(args[portAt + 1]) : 0;
if (!Number.isInteger(port) || port < 0) {
  console.error(`--port expects a port number, got ${JSON.stringify(args[portAt + 1])}`);
  process.exitCode = 64;
} else {
  const server = await startVaultServer({
    tls: args.includes('--tls'),
    port,
    initialized: !args.includes('--uninitialized'),
    sealed: args.includes('--sealed'),
  });
  console.log(`VAULT_ADDR=${server.addr}`);
  console.log(`VAULT_TOKEN=${server.rootToken}`);
  if (server.caCertFile) console.log(`VAULT_CACERT=${server.caCertFile}`);
  for (const [i, key] of server.unsealKeys.entries()) console.log(`Unseal Key ${i + 1}: ${key}`);
  const shutdown = () => void server.close();
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
