import type * as openpgp from 'openpgp';
import { VaultHttpError } from './backend.ts';
import type { Core } from './core.ts';
import { decodeGoStruct } from './go-json-struct.ts';
import { encryptTo, PgpKeyError, readPgpKey } from './pgp-keys.ts';
import { validateSealConfig } from './shamir-barrier.ts';
import type { VaultRequest } from './vault-request.ts';

const INIT_REQUEST = {
  secret_shares: 'int',
  secret_threshold: 'int',
  stored_shares: 'int',
  pgp_keys: '[]string',
  recovery_shares: 'int',
  recovery_threshold: 'int',
  recovery_pgp_keys: '[]string',
  root_token_pgp_key: 'string',
} as const;

type InitRequest = ReturnType<typeof decodeGoStruct<typeof INIT_REQUEST>>;

const badRequest = (text: string) => new VaultHttpError(400, [text]);

/** validateInitParameters: a Shamir seal refuses recovery settings rather than ignoring them. */
function refuseRecoveryFields(req: InitRequest): void {
  const given = [
    req.recovery_shares !== 0 && 'recovery_shares',
    req.recovery_threshold !== 0 && 'recovery_threshold',
    req.recovery_pgp_keys.length > 0 && 'recovery_pgp_keys',
  ].filter(Boolean);
  if (given.length > 0)
    throw badRequest(`parameters ${given.join(',')} not applicable to seal type shamir`);
}

/** core.Initialize up to "already initialized": the PGP count, then SealConfig.Validate. */
async function checkSealConfig(core: Core, req: InitRequest): Promise<openpgp.Key[]> {
  const pgpKeys = req.pgp_keys;
  if (pgpKeys.length > 0 && pgpKeys.length !== req.secret_shares)
    throw badRequest('incorrect number of PGP keys');
  validateSealConfig(req.secret_shares, req.secret_threshold);
  const keys: openpgp.Key[] = [];
  for (const pgpKey of pgpKeys) {
    try {
      keys.push(await readPgpKey(pgpKey));
    } catch (error) {
      if (error instanceof PgpKeyError)
        throw badRequest(`invalid seal configuration: ${error.message}`);
      throw error;
    }
  }
  if (core.barrier.initialized) throw badRequest('Vault is already initialized');
  return keys;
}

/** pgpkeys.EncryptShares: share i (as its ASCII hex string) to key i; its errors are plain 400s. */
async function encryptEach(keys: openpgp.Key[], values: string[]): Promise<Uint8Array[]> {
  try {
    return await Promise.all(
      values.map((value, i) => encryptTo(keys[i] as openpgp.Key, new TextEncoder().encode(value))),
    );
  } catch (error) {
    if (error instanceof PgpKeyError) throw badRequest(error.message);
    throw error;
  }
}

async function encryptRootToken(base64Key: string, token: string): Promise<string> {
  try {
    const [message] = await encryptEach([await readPgpKey(base64Key)], [token]);
    return Buffer.from(message as Uint8Array).toString('base64');
  } catch (error) {
    if (error instanceof PgpKeyError) throw badRequest(error.message);
    throw error;
  }
}

/**
 * PUT sys/init. With `pgp_keys`, keys[i] is the hex of a PGP message holding share i's hex
 * string, keys_base64[i] the same bytes in base64. `root_token_pgp_key` is only read after the
 * barrier exists (vault/init.go), so a bad one answers 400 and leaves Vault initialised and
 * sealed with its shares lost — reproduced here; the test server still knows them (core.unsealKeys).
 */
export async function initVault(
  core: Core,
  request: VaultRequest,
): Promise<Record<string, unknown>> {
  const req = decodeGoStruct(request.body, 'InitRequest', INIT_REQUEST);
  refuseRecoveryFields(req);
  const pgpKeys = await checkSealConfig(core, req);
  const { parts, commit } = await core.barrier.generate(req.secret_shares, req.secret_threshold);
  const sharesHex = parts.map((p) => Buffer.from(p).toString('hex'));
  // generateShares encrypts before the barrier is written: a key that cannot encrypt changes nothing.
  const shares = pgpKeys.length > 0 ? await encryptEach(pgpKeys, sharesHex) : parts;
  commit();
  // vault operator init: the old state is gone, a new root token is minted.
  for (const token of core.tokens.all()) core.tokens.revoke(token.id);
  const root = core.createRootToken();
  core.rootToken = root.id;
  core.unsealKeys = sharesHex;
  if (core.ha.enabled) core.ha.raftIndex = Math.max(core.ha.raftIndex, 1);
  const rootToken = req.root_token_pgp_key
    ? await encryptRootToken(req.root_token_pgp_key, root.id)
    : root.id;
  return {
    keys: shares.map((s) => Buffer.from(s).toString('hex')),
    keys_base64: shares.map((s) => Buffer.from(s).toString('base64')),
    root_token: rootToken,
  };
}
