import { createCipheriv } from 'node:crypto';
import { CHUNK_BYTES, frameNonce } from './archive-format.ts';

/** One sealed frame: length, ciphertext, tag. */
function seal(key: Buffer, aad: Buffer, index: number, last: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, frameNonce(index, last));
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/**
 * Encrypts a stream of plaintext pieces into frames of CHUNK_BYTES each (the last one
 * shorter, possibly empty, and flagged). Holds at most one chunk: memory does not grow
 * with the archive.
 */
export async function* encryptFrames(
  plaintext: AsyncIterable<Buffer>,
  key: Buffer,
  header: Buffer,
): AsyncGenerator<Buffer> {
  yield header;
  let pieces: Buffer[] = [];
  let size = 0;
  let index = 0;
  for await (const piece of plaintext) {
    pieces.push(piece);
    size += piece.length;
    // Strictly more than a chunk: only then is it certain this chunk is not the last.
    while (size > CHUNK_BYTES) {
      const all = Buffer.concat(pieces, size);
      yield seal(key, header, index++, false, all.subarray(0, CHUNK_BYTES));
      pieces = [all.subarray(CHUNK_BYTES)];
      size -= CHUNK_BYTES;
    }
  }
  yield seal(key, header, index, true, Buffer.concat(pieces, size));
}
