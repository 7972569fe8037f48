import type { Config } from '../config/config-types.ts';
import type { Output } from '../log/output.ts';
import type { KvMounts } from '../sources/kv-mounts.ts';
import type { Clock, Timers } from '../timing/clock.ts';
import type { RenewRetryBounds } from '../timing/renew-retry-delay.ts';
import type { VaultClient } from '../vault/client.ts';
import type { LiveSet } from './live-set.ts';
import type { RenewerMetrics } from './renewer-metrics.ts';

/** What every actor of the renewer shares: settings, seams, the holdings and two services. */
export interface RenewerContext {
  config: Config;
  client: VaultClient;
  out: Output;
  cwd: string;
  uid: number;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  timers: Timers;
  random: () => number;
  metrics: RenewerMetrics;
  /** Backoff of failed renewals and fetches: the config's `vault.retry` bounds. */
  bounds: RenewRetryBounds;
  live: LiveSet;
  mounts: KvMounts;
  /**
   * Renders every output group from `live` on its own, writes those whose content changed, runs
   * their on_change; a failing group is logged and recorded, never thrown.
   */
  rewrite(signal: AbortSignal): Promise<void>;
  /** Records `live` in the state file for `status`. */
  saveState(): Promise<void>;
}
