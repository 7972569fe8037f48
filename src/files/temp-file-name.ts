import { randomBytes } from 'node:crypto';

/** Prefix of keyturn's temporary files; leftovers with it are swept at start (sweep.ts). */
export const TEMP_PREFIX = '.keyturn-tmp-';

/** A fresh temporary file name; 64 random bits so another process cannot guess and pre-create it. */
export function tempFileName(): string {
  return `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`;
}
