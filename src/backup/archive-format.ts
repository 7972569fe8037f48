import { ArchiveError } from './archive-error.ts';

/**
 * The archive, byte by byte (README "Backup and restore"):
 *
 *   header  one line of JSON: {"format":"keyturn-backup","version":1,"kdf":{...}}\n
 *   frames  [u32 big-endian length][ciphertext][16-byte GCM tag], one per chunk
 *
 * The header holds only the format version and the KDF parameters (salt included): every
 * path, value and count is inside the encrypted frames. Each frame is one AES-256-GCM
 * message of at most CHUNK_BYTES plaintext. Its nonce is the frame's index and a "last"
 * flag (the STREAM construction), and the header bytes are its associated data, so a
 * reordered, dropped, duplicated or truncated frame, an edited header or a flipped bit
 * fails authentication. The plaintext is NDJSON records (archive-records.ts).
 */
export const FORMAT = 'keyturn-backup';
export const FORMAT_VERSION = 1;
/** Fixed-size chunks: frame lengths reveal the archive's total size and nothing finer. */
export const CHUNK_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
const NONCE_BYTES = 12;
/** A header is small; reading more than this before its newline means it is not one. */
export const MAX_HEADER_BYTES = 1024;

export interface ScryptParams {
  name: 'scrypt';
  /** Cost (a power of two), block size and parallelism, as RFC 7914 names them. */
  N: number;
  r: number;
  p: number;
  /** Base64 of 16 random bytes: a fresh key for every archive. */
  salt: string;
}

export interface ArchiveHeader {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  kdf: ScryptParams;
}

/** Bounds on what a header may ask for, so a hostile archive cannot make restore allocate gigabytes. */
const LIMITS = { maxMemoryBytes: 2 ** 30, maxP: 16 };

/** What scrypt allocates for these parameters (RFC 7914: 128 · N · r bytes, plus a little). */
export function scryptMemoryBytes(kdf: Pick<ScryptParams, 'N' | 'r' | 'p'>): number {
  return 128 * kdf.N * kdf.r + 128 * kdf.r * kdf.p;
}

/** The header line as written, newline included: these exact bytes are every frame's AAD. */
export function headerBytes(header: ArchiveHeader): Buffer {
  return Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
}

/** Parses and bounds-checks a header line (without its newline). */
export function parseHeader(line: string, file: string): ArchiveHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw notArchive(file, 'its first line is not a keyturn backup header');
  }
  const h = parsed as Partial<ArchiveHeader> | null;
  if (h?.format !== FORMAT) throw notArchive(file, 'its first line is not a keyturn backup header');
  if (h.version !== FORMAT_VERSION) {
    throw notArchive(
      file,
      `format version ${String(h.version)} is not one this keyturn reads (${FORMAT_VERSION})`,
    );
  }
  const kdf = h.kdf;
  const ok =
    kdf?.name === 'scrypt' &&
    Number.isInteger(kdf.N) &&
    kdf.N >= 2 &&
    (kdf.N & (kdf.N - 1)) === 0 &&
    Number.isInteger(kdf.r) &&
    kdf.r >= 1 &&
    Number.isInteger(kdf.p) &&
    kdf.p >= 1 &&
    kdf.p <= LIMITS.maxP &&
    typeof kdf.salt === 'string' &&
    Buffer.from(kdf.salt, 'base64').length >= 16 &&
    scryptMemoryBytes(kdf) <= LIMITS.maxMemoryBytes;
  if (!ok) throw notArchive(file, 'its KDF parameters are missing or out of bounds');
  return h as ArchiveHeader;
}

/** Nonce of frame `index`: 7 zero bytes, the index (u32 BE), then 1 on the last frame. */
export function frameNonce(index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

export function notArchive(file: string, why: string): ArchiveError {
  return new ArchiveError(`${file} cannot be restored: ${why}`, { details: { file } });
}
