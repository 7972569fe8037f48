import { notArchive } from './archive-format.ts';

/** First record: where the secrets came from (inside the encryption, like everything else). */
export interface SourceRecord {
  kind: 'source';
  address: string;
  prefix: string;
  mount: string;
  kv: 1 | 2;
  createdAt: string;
}

/** One secret: its logical path (no `data/`), its fields, and KV v2 custom metadata. */
export interface SecretRecord {
  kind: 'secret';
  path: string;
  data: Record<string, unknown>;
  customMetadata?: Record<string, string>;
}

/** Last record: how many secrets came before it, a second guard against a cut archive. */
export interface EndRecord {
  kind: 'end';
  count: number;
}

export type ArchiveRecord = SourceRecord | SecretRecord | EndRecord;

/** One NDJSON line; JSON.stringify escapes newlines inside values, so lines never break. */
export function encodeRecord(record: ArchiveRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
}

/** Splits decrypted chunks into records; a parse error never quotes the line (it holds secrets). */
export async function* decodeRecords(
  chunks: AsyncIterable<Buffer>,
  file: string,
): AsyncGenerator<ArchiveRecord> {
  let rest = Buffer.alloc(0);
  for await (const chunk of chunks) {
    let buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    for (let nl = buffer.indexOf(0x0a); nl >= 0; nl = buffer.indexOf(0x0a)) {
      yield parseRecord(buffer.subarray(0, nl), file);
      buffer = buffer.subarray(nl + 1);
    }
    rest = Buffer.from(buffer);
  }
  if (rest.length > 0) throw notArchive(file, 'its last record is incomplete');
}

function parseRecord(line: Buffer, file: string): ArchiveRecord {
  let record: Partial<ArchiveRecord> | null;
  try {
    record = JSON.parse(line.toString('utf8'));
  } catch {
    throw notArchive(file, 'a record is not valid JSON (record not shown)');
  }
  const valid =
    (record?.kind === 'secret' &&
      typeof record.path === 'string' &&
      record.data !== null &&
      typeof record.data === 'object') ||
    (record?.kind === 'source' && typeof record.prefix === 'string') ||
    (record?.kind === 'end' && typeof record.count === 'number');
  if (!valid) throw notArchive(file, 'a record has an unknown shape (record not shown)');
  return record as ArchiveRecord;
}
