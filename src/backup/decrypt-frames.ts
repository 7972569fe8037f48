import { createDecipheriv } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { CHUNK_BYTES, frameNonce, notArchive, TAG_BYTES } from './archive-format.ts';

/** Reads exactly `length` bytes at `position`, or fewer at the end of the file. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, got);
}

/**
 * Decrypts and authenticates the frames after the header, yielding each chunk's plaintext
 * only once its tag checked out. A wrong key and a flipped bit look the same to GCM, so the
 * message names both; a file that ends before its last frame, or goes on after it, is refused.
 */
export async function* decryptFrames(
  handle: FileHandle,
  start: number,
  key: Buffer,
  header: Buffer,
  file: string,
): AsyncGenerator<Buffer> {
  let position = start;
  for (let index = 0; ; index += 1) {
    const prefix = await readAt(handle, position, 4);
    if (prefix.length < 4) throw notArchive(file, 'it ends before its last frame (truncated)');
    const length = prefix.readUInt32BE(0);
    if (length < TAG_BYTES || length > CHUNK_BYTES + TAG_BYTES) {
      throw notArchive(file, 'the passphrase is wrong or the archive was altered');
    }
    const body = await readAt(handle, position + 4, length);
    if (body.length < length) throw notArchive(file, 'it ends inside a frame (truncated)');
    position += 4 + length;
    const more = (await readAt(handle, position, 1)).length > 0;
    const plain = open(key, header, index, !more, body, file);
    yield plain;
    if (!more) return;
  }
}

function open(key: Buffer, aad: Buffer, index: number, last: boolean, body: Buffer, file: string) {
  const decipher = createDecipheriv('aes-256-gcm', key, frameNonce(index, last));
  decipher.setAAD(aad);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    // The last frame read as "not last" (more bytes follow it) or vice versa fails here too.
    throw notArchive(
      file,
      'the passphrase is wrong or the archive was altered (authentication failed)',
    );
  }
}
