import type { Clock } from './backend.ts';
import type { ClusterNode } from './cluster-node.ts';

/** A node's place in the cluster as sys/health and sys/leader report it. */
export type HaRole = 'active' | 'standby' | 'performance' | 'dr-secondary';

/**
 * Who holds the HA lock. Real Vault elects through its storage's lock; here the rules are made
 * explicit so tests are exact: an unsealed, running node takes a free lock at once; losing the
 * active (sealed, stopped, stepped down) hands the lock to the next unsealed running node in
 * order, or leaves the cluster leaderless when there is none.
 */
export class HaState {
  /** False for a single server: `ha_enabled: false`, no forwarding, no elections. */
  enabled = false;
  readonly nodes: ClusterNode[] = [];
  active: ClusterNode | null = null;
  /** Raft's committed/applied index: grows with every write the cluster serves. */
  raftIndex = 0;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  roleOf(node: ClusterNode): HaRole {
    if (node.standbyMode === 'dr-secondary') return 'dr-secondary';
    if (this.enabled) {
      if (this.active === node) return 'active';
      return node.standbyMode === 'performance' ? 'performance' : 'standby';
    }
    if (node.standbyMode === 'performance') return 'performance';
    return node.standbyMode === true ? 'standby' : 'active';
  }

  #eligible(node: ClusterNode): boolean {
    return node.running && node.unsealed;
  }

  #makeActive(node: ClusterNode | null): ClusterNode | null {
    this.active = node;
    if (node) node.activeSinceMs = this.#clock.now();
    return node;
  }

  /** A node became able to serve (unsealed, or started while unsealed): it takes a free lock. */
  nodeAvailable(node: ClusterNode): void {
    if (this.enabled && !this.active && this.#eligible(node)) this.#makeActive(node);
  }

  /** A node was sealed or stopped: if it was active, the next eligible node takes over. */
  nodeLost(node: ClusterNode): void {
    if (this.active === node) this.#makeActive(this.#next(node));
  }

  /** The first eligible node after `from` in cluster order, never `from` itself. */
  #next(from: ClusterNode): ClusterNode | null {
    const start = this.nodes.indexOf(from);
    for (let step = 1; step < this.nodes.length; step += 1) {
      const node = this.nodes[(start + step) % this.nodes.length] as ClusterNode;
      if (this.#eligible(node)) return node;
    }
    return null;
  }

  /**
   * sys/step-down: the active gives up the lock to `to` or to the next eligible node. With no
   * other candidate the cluster stays leaderless (real Vault's 10 s step-down pause) until elect().
   */
  stepDown(to?: ClusterNode): ClusterNode | null {
    const old = this.active;
    if (!old) return null;
    if (to && (to === old || !this.#eligible(to)))
      throw new Error(`cannot hand the lock to ${to.name}: it is not an unsealed, running standby`);
    return this.#makeActive(to ?? this.#next(old));
  }

  /** Ends a leaderless spell: `node` (or the first eligible node) takes the lock. */
  elect(node?: ClusterNode): ClusterNode | null {
    if (this.active) return this.active;
    const chosen = node ?? this.nodes.find((n) => this.#eligible(n)) ?? null;
    if (chosen && !this.#eligible(chosen))
      throw new Error(`cannot elect ${chosen.name}: it is not unsealed and running`);
    return this.#makeActive(chosen);
  }
}
