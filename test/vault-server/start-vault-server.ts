import type { Clock } from './backend.ts';
import { systemClock } from './clock.ts';
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
  /** Shamir shares and threshold of the initial seal (default 1 and 1, like `vault server -dev`). */
  shares?: number;
  threshold?: number;
}

/** Builds the state `vault server -dev` starts with: initialised, unsealed, root token, kv v2 at secret/. */
async function prepare(server: VaultServer, options: VaultServerOptions): Promise<void> {
  const core = server.core;
  if (options.initialized === false) return;
  const shares = options.shares ?? 1;
  const keys = await core.seal.initialize(
    shares,
    options.threshold ?? (shares === 1 ? 1 : Math.ceil(shares / 2)),
  );
  server.unsealKeys = keys.keysHex;
  server.rootToken = core.createRootToken().id;
  core.seal.forceUnseal();
  // Before the engines work lands there is no kv factory: skip the default mount then.
  if (engineFactories.kv)
    core.mounts.mount('secret/', 'kv', { version: '2' }, 'key/value secret storage');
  if (options.sealed) core.seal.seal();
}

/** Starts a test server on 127.0.0.1 (see VaultServerOptions for the defaults). */
export async function startVaultServer(options: VaultServerOptions = {}): Promise<VaultServer> {
  const tls = options.tls ? await makeTlsMaterial() : undefined;
  const server = new VaultServer(new Core(options.clock ?? systemClock), tls);
  await prepare(server, options);
  await server.listen(options.port ?? 0);
  return server;
}
