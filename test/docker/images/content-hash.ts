import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 of a file's bytes, streamed (node is ~120 MiB). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A short content hash for an image tag: the texts given, then each file's bytes. Two runs
 * with the same inputs get the same tag, which is how built images are found again.
 */
export async function contentHash(texts: string[], files: string[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${text.length}:${text}`);
  for (const file of files) hash.update(await fileSha256(file));
  return hash.digest('hex').slice(0, 16);
}
