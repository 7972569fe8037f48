import { randomBytes } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../src/backup/archive-format.ts';
import { decryptFrames } from '../../src/backup/decrypt-frames.ts';
import { encryptFrames } from '../../src/backup/encrypt-frames.ts';
import { KeyturnError } from '../../src/errors/keyturn-error.ts';
import { makeTempDir } from '../files/make-temp-dir.ts';

const key = randomBytes(32);
const header = Buffer.from('{"format":"keyturn-backup","version":1}\n');

async function* pieces(total: number): AsyncGenerator<Buffer> {
  for (let done = 0; done < total; done += 1000)
    yield Buffer.alloc(Math.min(1000, total - done), done % 251);
}

/** Header, then the frames as separate buffers (each with its length prefix). */
async function sealed(total: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const part of encryptFrames(pieces(total), key, header)) out.push(part);
  return out;
}

async function decrypt(bytes: Buffer, aad = header): Promise<Buffer> {
  await using dir = await makeTempDir();
  const file = join(dir.path, 'a');
  await writeFile(file, bytes);
  const handle = await open(file);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of decryptFrames(handle, header.length, key, aad, file))
      chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

async function plain(total: number): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const piece of pieces(total)) all.push(piece);
  return Buffer.concat(all);
}

describe('archive frames (AES-256-GCM, STREAM nonces, header as AAD)', () => {
  it.each([0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 17])(
    'round-trips %i bytes in fixed-size frames',
    async (total) => {
      const parts = await sealed(total);
      // The header, every full chunk that has more after it, then the last (maybe empty) one.
      expect(parts.length).toBe(2 + Math.max(0, Math.ceil(total / CHUNK_BYTES) - 1));
      expect(await decrypt(Buffer.concat(parts))).toEqual(await plain(total));
    },
  );

  const cases: [string, (frames: Buffer[]) => Buffer[]][] = [
    ['two frames swapped', ([h, a, b, ...rest]) => [h, b, a, ...rest] as Buffer[]],
    ['a frame repeated', ([h, a, ...rest]) => [h, a, a, ...rest] as Buffer[]],
    ['a middle frame dropped', ([h, a, , ...rest]) => [h, a, ...rest] as Buffer[]],
    ['the last frame dropped', (frames) => frames.slice(0, -1)],
    ['a frame appended after the last', (frames) => [...frames, frames.at(-1) as Buffer]],
    [
      'a length prefix changed',
      ([h, a, ...rest]) =>
        [
          h,
          Buffer.concat([Buffer.from([0, 0, 0, 40]), (a as Buffer).subarray(4)]),
          ...rest,
        ] as Buffer[],
    ],
  ];
  it.each(cases)('refuses %s', async (_label, tamper) => {
    const frames = await sealed(3 * CHUNK_BYTES + 17);
    const error = await decrypt(Buffer.concat(tamper(frames))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyturnError);
    expect((error as KeyturnError).exitCode).toBe(65);
  });

  it('refuses frames read under another header (the AAD)', async () => {
    const frames = await sealed(100);
    const other = Buffer.from(header.toString().replace('1', '2'));
    await expect(decrypt(Buffer.concat(frames), other)).rejects.toThrow(/altered/);
  });
});
