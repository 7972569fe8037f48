import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors/keyturn-error.ts';

const BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';

/** OpenPGP's CRC-24 (RFC 4880 §6.1), to check an armored key was copied whole. */
function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i += 1) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** ASCII armor → the binary key Vault wants (it refuses armored text, WIRE §7). */
function dearmor(text: string, file: string): Buffer {
  const lines = text.slice(text.indexOf(BEGIN) + BEGIN.length).split(/\r?\n/);
  const blank = lines.findIndex((line, i) => i > 0 && line.trim() === '');
  const body: string[] = [];
  let checksum: string | undefined;
  for (const line of lines.slice(blank + 1)) {
    if (line.startsWith('-----END')) break;
    if (line.startsWith('=')) checksum = line.slice(1).trim();
    else body.push(line.trim());
  }
  const bytes = Buffer.from(body.join(''), 'base64');
  if (checksum !== undefined && Buffer.from(checksum, 'base64').readUIntBE(0, 3) !== crc24(bytes)) {
    throw new UsageError(
      `${file}: the armored key's checksum does not match (copied incompletely?)`,
    );
  }
  return bytes;
}

/** The tag of the first OpenPGP packet (old and new header formats). */
function firstPacketTag(bytes: Uint8Array): number | undefined {
  const b = bytes[0];
  if (b === undefined || (b & 0x80) === 0) return undefined;
  return b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f;
}

/**
 * An operator's public key file, armored (`gpg --armor --export`) or binary (`gpg --export`),
 * as the binary key Vault's `pgp_keys` takes (base64 on the wire).
 */
export async function readPgpPublicKey(file: string): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read the PGP key ${file} (${code})`, { cause: error });
  }
  const text = raw.toString('latin1');
  const bytes = text.includes(BEGIN) ? dearmor(text, file) : raw;
  // Public-Key packet: tag 6. A secret key (5) must never be sent anywhere.
  if (firstPacketTag(bytes) !== 6) {
    throw new UsageError(
      `${file} is not an OpenPGP public key (export one with gpg --export KEYID > ${file})`,
    );
  }
  return bytes;
}
