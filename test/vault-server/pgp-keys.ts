import * as openpgp from 'openpgp';
import { CorruptInputError, goBase64Decode } from './go-base64.ts';

/** A PGP key Vault could not take, with helper/pgpkeys' text (`error decoding given PGP key: …`). */
export class PgpKeyError extends Error {}

const PUBLIC_KEY = 6;
const SECRET_KEY = 5;
const USER_ID = 13;
/** go-crypto's PublicKeyAlgorithm.CanSign: RSA, RSA sign-only, DSA, ECDSA, EdDSA, Ed25519, Ed448. */
const SIGNING_ALGORITHMS = new Set([1, 3, 17, 19, 22, 27, 28]);

interface Packet {
  tag: number;
  body: Uint8Array;
}

/** A big-endian number from `size` bytes at `at`. */
function bigEndian(data: Uint8Array, at: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i += 1) value = value * 256 + (data[at + i] ?? 0);
  return value;
}

/** RFC 4880 §4.2 packet headers (old and new format), enough to walk a transferable key. */
function readPackets(data: Uint8Array): Packet[] {
  const packets: Packet[] = [];
  let at = 0;
  while (at < data.length) {
    const head = data[at] as number;
    if ((head & 0x80) === 0)
      throw new PgpKeyError('openpgp: invalid data: tag byte does not have MSB set');
    let tag = (head & 0x3c) >> 2;
    let size = [1, 2, 4, 0][head & 3] as number;
    let length = size === 0 ? data.length - at - 1 : bigEndian(data, at + 1, size);
    if (head & 0x40) {
      tag = head & 0x3f;
      const first = data[at + 1] ?? 0;
      size = first < 192 ? 1 : first < 224 ? 2 : 5;
      length =
        size === 1
          ? first
          : size === 2
            ? ((first - 192) << 8) + (data[at + 2] ?? 0) + 192
            : bigEndian(data, at + 2, 4);
    }
    const start = at + 1 + size;
    if (start + length > data.length) throw new PgpKeyError('unexpected EOF');
    packets.push({ tag, body: data.subarray(start, start + length) });
    at = start + length;
  }
  return packets;
}

/** go-crypto's openpgp.ReadEntity checks, in its order, with its texts. */
function checkEntity(data: Uint8Array): void {
  const packets = readPackets(data);
  const first = packets[0];
  if (!first) throw new PgpKeyError('EOF');
  if (first.tag !== PUBLIC_KEY && first.tag !== SECRET_KEY)
    throw new PgpKeyError('openpgp: invalid data: first packet was not a public/private key');
  const version = first.body[0] ?? 0;
  // v4 body: version, 4-byte creation time, algorithm (v3 adds a 2-byte validity first).
  const algorithm = first.body[version === 3 ? 7 : 5] ?? 0;
  if (!SIGNING_ALGORITHMS.has(algorithm))
    throw new PgpKeyError('openpgp: invalid data: primary key cannot be used for signatures');
  if (version < 6 && !packets.some((p) => p.tag === USER_ID))
    throw new PgpKeyError(`openpgp: invalid data: v${version} entity without any identities`);
}

/**
 * One entry of `pgp_keys` (or `root_token_pgp_key`): base64 of a binary public key, read as
 * pgpkeys.GetEntities reads it. Past the structural checks, openpgp.js parses the key, so a
 * deeper fault gets openpgp.js's wording after Vault's prefix.
 */
export async function readPgpKey(base64: string): Promise<openpgp.Key> {
  let data: Uint8Array;
  try {
    data = goBase64Decode(base64);
  } catch (error) {
    if (!(error instanceof CorruptInputError)) throw error;
    throw new PgpKeyError(`error decoding given PGP key: ${error.message}`);
  }
  try {
    checkEntity(data);
    return await openpgp.readKey({ binaryKey: data });
  } catch (error) {
    const message =
      error instanceof PgpKeyError
        ? error.message
        : `openpgp: invalid data: ${(error as Error).message}`;
    throw new PgpKeyError(`error parsing given PGP key: ${message}`);
  }
}

/** pgpkeys.EncryptShares for one value: a binary, unsigned, uncompressed PGP message. */
export async function encryptTo(key: openpgp.Key, plaintext: Uint8Array): Promise<Uint8Array> {
  try {
    const message = await openpgp.createMessage({ binary: plaintext });
    return await openpgp.encrypt({ message, encryptionKeys: key, format: 'binary' });
  } catch {
    // go-crypto's FormatUint(keyId, 16): lower-case hex without leading zeros.
    const keyId = key
      .getKeyID()
      .toHex()
      .replace(/^0+(?=.)/, '');
    throw new PgpKeyError(
      `error setting up encryption for PGP message: openpgp: invalid argument: cannot encrypt a message to key id ${keyId} because it has no valid encryption keys`,
    );
  }
}
