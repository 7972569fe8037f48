import type { Core, StandbyMode } from './core.ts';
import { SealState } from './seal-state.ts';

/**
 * One Vault server process of a cluster: its own address, its own seal (unsealed separately
 * with the cluster's shares, as real nodes are) and its HA role. Everything else — storage,
 * tokens, mounts, the seal configuration — is the cluster's Core, which all nodes share.
 */
export class ClusterNode {
  readonly core: Core;
  readonly name: string;
  readonly seal: SealState;
  /** Test override: report this node as a standby, performance standby or DR secondary. */
  standbyMode: StandbyMode = false;
  /** Is its listener up? A stopped node takes no part in elections. */
  running = false;
  /** Its api_addr (`http://127.0.0.1:<port>`), set once it listens. */
  apiAddr = '';
  /** When it last became the active node (server clock, ms). */
  activeSinceMs = 0;

  constructor(core: Core, name: string) {
    this.core = core;
    this.name = name;
    this.seal = new SealState(core.barrier);
  }

  /** Its cluster_addr: Vault's default, the API port + 1 (nothing listens there). */
  get clusterAddr(): string {
    const url = new URL(this.apiAddr);
    return `https://${url.hostname}:${Number(url.port) + 1}`;
  }

  get unsealed(): boolean {
    return this.seal.initialized && !this.seal.sealed;
  }
}
