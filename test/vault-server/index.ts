/**
 * keyturn's Vault-compatible test server (no Vault binary runs in CI). It follows
 * /work/shared/vault/WIRE.md; where this server simplifies, it says so here:
 * - Namespaces: `X-Vault-Namespace: ns1` prefixes the path (`ns1/secret/...`), so a test mounts
 *   `ns1/secret` via sys/mounts to serve it; sys/ and auth/token/ stay global.
 * - Standby (setStandby) on a single server: only sys/health changes; routed requests are served
 *   as a real standby forwards them. Use stop()/start() or failNext() for outages.
 * - HA (startVaultCluster): N nodes share one core (storage, tokens, seal configuration), as nodes
 *   on shared storage do; each has its own port, seal and role. A standby "forwards" by serving
 *   from the shared core (same answer as the active's), so requests are logged on the node the
 *   client called. Elections follow fixed rules (ha-state.ts), not timers. `sys/step-down` over
 *   HTTP is not served: use cluster.stepDown().
 * - LIST: Node's HTTP parser does not know the method, so connections pass through
 *   ListMethodSocket, which rewrites it to LOCK before parsing (see list-method-socket.ts).
 * - sys/mounts-all/:path is served but unconfirmed in real Vault.
 * - Kubernetes auth never calls the cluster's TokenReview API: the JWT's signature is checked
 *   locally against `pem_keys` instead, so tokens of deleted service accounts are accepted;
 *   with no `pem_keys` every login ends in 403 `permission denied` (a failed TokenReview).
 * - JWT auth fetches `jwks_url` / `oidc_discovery_url` for real (serve them with JwksServer);
 *   `jwks_pairs`, `*_ca_pem` for HTTPS endpoints and the OIDC browser flow are not served.
 */

export {
  type AppRoleHandle,
  type AppRoleSetup,
  createSecretId,
  login,
  setupAppRole,
} from './approle-fixture.ts';
export {
  type AuthHandle,
  type AuthSetup,
  loginWithJwt,
  setupJwtAuth,
  setupKubernetesAuth,
} from './auth-fixtures.ts';
export type { Clock } from './backend.ts';
export { ManualClock, systemClock } from './clock.ts';
export type { StandbyMode } from './core.ts';
export type { FailNextOptions } from './faults.ts';
export { GpgHome, type GpgKey, gpgAvailable } from './gpg-home.ts';
export { JwksServer, startJwksServer } from './jwks-server.ts';
export * from './jwt-fixture.ts';
export { makeOpenPgpOperator, type OpenPgpOperator } from './openpgp-operator.ts';
export type { LoggedRequest, WaitForOptions } from './request-log.ts';
export { startVaultServer, type VaultServerOptions } from './start-vault-server.ts';
export type { ClientResponse, RequestOptions } from './test-client.ts';
export {
  type StepDownOptions,
  startVaultCluster,
  VaultCluster,
  type VaultClusterOptions,
} from './vault-cluster.ts';
export { type RestartOptions, VaultServer } from './vault-server.ts';
