import { VaultDataError } from '../errors/keyturn-error.ts';
import type { VaultClient } from '../vault/client.ts';

export interface InitRequest {
  shares: number;
  threshold: number;
  /** Binary public keys, one per share, in share order. */
  pgpKeys?: Buffer[];
  rootTokenPgpKey?: Buffer;
}

export interface InitAnswer {
  /** Base64 of each share's PGP message, or of the plain share without PGP keys. */
  keysBase64: string[];
  /** Hex of each plain share (what `operator unseal` takes); meaningful without PGP keys. */
  keysHex: string[];
  /** The root token, or base64 of a PGP message holding it. */
  rootToken: string;
}

/** `PUT sys/init` (WIRE §7): raw JSON; a 400 (already initialised, bad key) becomes a 65. */
export async function initVault(client: VaultClient, request: InitRequest): Promise<InitAnswer> {
  const body = {
    secret_shares: request.shares,
    secret_threshold: request.threshold,
    ...(request.pgpKeys ? { pgp_keys: request.pgpKeys.map((k) => k.toString('base64')) } : {}),
    ...(request.rootTokenPgpKey
      ? { root_token_pgp_key: request.rootTokenPgpKey.toString('base64') }
      : {}),
  };
  // Never retried: a second init after a first that landed would fail, and the first's
  // shares would be lost with its answer.
  const answer = await client.raw<{ keys?: unknown; keys_base64?: unknown; root_token?: unknown }>(
    'PUT',
    'sys/init',
    { body },
  );
  const { keys, keys_base64: keysBase64, root_token: rootToken } = answer.body ?? {};
  const strings = (v: unknown): v is string[] =>
    Array.isArray(v) && v.length === request.shares && v.every((s) => typeof s === 'string');
  if (
    answer.status !== 200 ||
    !strings(keysBase64) ||
    !strings(keys) ||
    typeof rootToken !== 'string'
  ) {
    throw new VaultDataError(
      `Vault answered sys/init with ${answer.status} but not ${request.shares} keys and a root token`,
    );
  }
  return { keysBase64, keysHex: keys, rootToken };
}
