import { systemClock } from './clock.ts';
import { ClusterNode } from './cluster-node.ts';
import { Core } from './core.ts';
import { prepareCore, type VaultServerOptions } from './start-vault-server.ts';
import { makeTlsMaterial, type TlsMaterial } from './tls.ts';
import { VaultServer } from './vault-server.ts';

export interface VaultClusterOptions extends Omit<VaultServerOptions, 'port'> {
  /** How many nodes (default 3), each on its own port. */
  nodes?: number;
}

export interface StepDownOptions {
  /** The standby to take over (default: the next unsealed, running node after the active). */
  to?: VaultServer;
}

/**
 * Several test-server nodes of one HA cluster: one shared core (storage, tokens, seal
 * configuration), and per node its own address, seal and role. With the default options every
 * node is unsealed and node 0 is active; otherwise each node is unsealed separately, over HTTP
 * with the same shares or with `node.unseal()`, and the first to unseal takes the lock.
 */
export class VaultCluster {
  readonly core: Core;
  readonly nodes: VaultServer[];
  readonly #tls: TlsMaterial | undefined;

  constructor(core: Core, nodes: VaultServer[], tls: TlsMaterial | undefined) {
    this.core = core;
    this.nodes = nodes;
    this.#tls = tls;
  }

  #server(node: ClusterNode | null): VaultServer | undefined {
    return this.nodes.find((server) => server.node === node);
  }

  /** The node holding the HA lock (undefined while the cluster is leaderless). */
  get active(): VaultServer | undefined {
    return this.#server(this.core.ha.active);
  }

  /** Every node that is not active (sealed and stopped ones included). */
  get standbys(): VaultServer[] {
    return this.nodes.filter((server) => server.node !== this.core.ha.active);
  }

  get rootToken(): string {
    return this.core.rootToken;
  }

  get unsealKeys(): string[] {
    return this.core.unsealKeys;
  }

  get caCertPem(): string | undefined {
    return this.#tls?.caCertPem;
  }

  get caCertFile(): string | undefined {
    return this.#tls?.caCertFile;
  }

  /**
   * Test control for sys/step-down and failover: the active hands its lock to `to` or the next
   * unsealed running node; returns the new active, or undefined when there is no candidate — the
   * cluster is then leaderless (standbys answer 500, sys/leader shows no address) until elect().
   */
  stepDown(options: StepDownOptions = {}): VaultServer | undefined {
    return this.#server(this.core.ha.stepDown(options.to?.node));
  }

  /** Ends a leaderless spell: `node` (default: the first unsealed running node) takes the lock. */
  elect(node?: VaultServer): VaultServer | undefined {
    return this.#server(this.core.ha.elect(node?.node));
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((server) => server.close()));
    await this.#tls?.cleanup();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Starts an HA cluster of test-server nodes on 127.0.0.1 (see VaultClusterOptions). */
export async function startVaultCluster(options: VaultClusterOptions = {}): Promise<VaultCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1) throw new Error(`nodes must be ≥ 1, got ${count}`);
  const tls = options.tls ? await makeTlsMaterial() : undefined;
  const core = new Core(options.clock ?? systemClock);
  core.ha.enabled = true;
  for (let i = 1; i <= count; i += 1) core.ha.nodes.push(new ClusterNode(core, `node-${i}`));
  await prepareCore(core, options);
  const servers = core.ha.nodes.map((node) => new VaultServer(node, tls, false));
  // In order, so node 0 is the first unsealed node to listen and takes the lock.
  for (const server of servers) await server.listen(0);
  return new VaultCluster(core, servers, tls);
}
