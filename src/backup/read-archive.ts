import { type FileHandle, open } from 'node:fs/promises';
import { UsageError } from '../errors/keyturn-error.ts';
import { describeErrno } from '../files/describe-errno.ts';
import { type ArchiveHeader, MAX_HEADER_BYTES, notArchive, parseHeader } from './archive-format.ts';
import {
  type ArchiveRecord,
  decodeRecords,
  type SecretRecord,
  type SourceRecord,
} from './archive-records.ts';
import { decryptFrames } from './decrypt-frames.ts';
import { deriveKey } from './derive-key.ts';

/** An archive opened with its passphrase: the key is derived once, the file read as often as needed. */
export interface OpenArchive {
  file: string;
  header: ArchiveHeader;
  /** Every record, authenticated frame by frame; checks the source/end framing and the count. */
  records(): AsyncGenerator<SecretRecord>;
  /** The source record, set once records() has read it. */
  source(): SourceRecord | undefined;
  close(): Promise<void>;
}

/** Opens `file`, reads its header and derives the key (the slow part: about half a second). */
export async function openArchive(file: string, passphrase: string): Promise<OpenArchive> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new UsageError(`cannot open ${file}: ${describeErrno(error)}`, { cause: error });
  }
  try {
    const first = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(first, 0, MAX_HEADER_BYTES, 0);
    const newline = first.subarray(0, bytesRead).indexOf(0x0a);
    if (newline < 0) throw notArchive(file, 'it has no keyturn backup header');
    const headerLine = first.subarray(0, newline + 1);
    const header = parseHeader(headerLine.subarray(0, newline).toString('utf8'), file);
    const key = await deriveKey(passphrase, header.kdf);
    let source: SourceRecord | undefined;
    return {
      file,
      header,
      source: () => source,
      async *records() {
        const all = decodeRecords(decryptFrames(handle, newline + 1, key, headerLine, file), file);
        let count = 0;
        let ended = false;
        let started = false;
        for await (const record of all) {
          if (ended) throw notArchive(file, 'records follow its end record');
          if (!started) {
            if (record.kind !== 'source')
              throw notArchive(file, 'it does not start with its source record');
            source = record;
            started = true;
            continue;
          }
          if (record.kind === 'end') {
            if (record.count !== count)
              throw notArchive(
                file,
                `its end record counts ${record.count} secrets, ${count} were read`,
              );
            ended = true;
            continue;
          }
          if (record.kind !== 'secret') throw notArchive(file, 'it has a second source record');
          count += 1;
          yield record;
        }
        if (!ended) throw notArchive(file, 'it has no end record (truncated)');
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads the whole archive once, authenticating every frame: nothing is trusted before this passes. */
export async function verifyArchive(archive: OpenArchive): Promise<number> {
  let count = 0;
  for await (const _ of archive.records()) count += 1;
  return count;
}

export type { ArchiveRecord };
