import type { Clock } from './backend.ts';
import { systemClock } from './clock.ts';
import { ClusterNode } from './cluster-node.ts';
import { Core } from './core.ts';
import { engineFactories } from './engines/index.ts';
import { makeTlsMaterial } from './tls.ts';
import { VaultServer } from './vault-server.ts';

export interface VaultServerOptions {
  /** Serve HTTPS with a throwaway CA (`caCertPem`, `caCertFile`). */
  tls?: boolean;
  /** Time source for TTLs and expiry (default: the wall clock); pass a ManualClock to drive it. */
  clock?: Clock;
  /** Default true. False: answers like a fresh `vault server` before `vault operator init`. */
  initialized?: boolean;
  /** Default false. True: initialised but sealed (unseal with `unsealKeys` or `unseal()`). */
  sealed?: boolean;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1; `0.0.0.0` serves other containers (`vault server -dev-listen-address`). */
  host?: string;
  /** The root token's id (`-dev-root-token-id`); default: a random one. */
  rootTokenId?: string;
  /** Shamir shares and threshold of the initial seal (default 1 and 1, like `vault server -dev`). */
  shares?: number;
  threshold?: number;
}

/**
 * Builds the state `vault server -dev` starts with — initialised, every node unsealed, a root
 * token, kv v2 at secret/ — or less, as the options say.
 */
export async function prepareCore(
  core: Core,
  options: Omit<VaultServerOptions, 'tls' | 'clock' | 'port' | 'host'>,
): Promise<void> {
  if (options.initialized === false) return;
  const shares = options.shares ?? 1;
  const parts = await core.barrier.initialize(
    shares,
    options.threshold ?? (shares === 1 ? 1 : Math.ceil(shares / 2)),
  );
  core.unsealKeys = parts.map((p) => Buffer.from(p).toString('hex'));
  core.rootToken = core.createRootToken(options.rootTokenId).id;
  if (core.ha.enabled) core.ha.raftIndex = 1;
  // Before the engines work lands there is no kv factory: skip the default mount then.
  if (engineFactories.kv)
    core.mounts.mount('secret/', 'kv', { version: '2' }, 'key/value secret storage');
  if (options.sealed) return;
  for (const node of core.ha.nodes) node.seal.forceUnseal();
}

/** Starts a test server, on 127.0.0.1 unless told (see VaultServerOptions for the defaults). */
export async function startVaultServer(options: VaultServerOptions = {}): Promise<VaultServer> {
  const tls = options.tls ? await makeTlsMaterial() : undefined;
  const core = new Core(options.clock ?? systemClock);
  const node = new ClusterNode(core, 'node-1');
  core.ha.nodes.push(node);
  await prepareCore(core, options);
  const server = new VaultServer(node, tls);
  await server.listen(options.port ?? 0, options.host);
  return server;
}
