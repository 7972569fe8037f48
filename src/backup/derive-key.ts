import { randomBytes, scrypt } from 'node:crypto';
import { type ScryptParams, scryptMemoryBytes } from './archive-format.ts';

/**
 * scrypt at N=2^17, r=8, p=1: 128 MiB and about half a second per derivation — OWASP's
 * recommendation for scrypt, so a stolen archive costs an attacker that much per guess.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

/** Fresh parameters for a new archive: the default cost and a random salt. */
export function newScryptParams(): ScryptParams {
  return { name: 'scrypt', ...DEFAULT_SCRYPT, salt: randomBytes(16).toString('base64') };
}

/** The 256-bit archive key for a passphrase, on libuv's thread pool (the event loop stays free). */
export function deriveKey(passphrase: string, kdf: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(kdf.salt, 'base64'),
      32,
      // Node's default maxmem (32 MiB) is below the default cost; allow what the header asks.
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: scryptMemoryBytes(kdf) + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}
