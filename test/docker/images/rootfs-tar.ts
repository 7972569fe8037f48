import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { type Header, type Pack, pack as tarPack } from 'tar-stream';
import type { RootfsEntry } from './base-rootfs.ts';

type EntryHeader = Partial<Header> & Pick<Header, 'name'>;

// A fixed mtime: the tar of the same inputs is the same bytes.
const mtime = new Date(0);

/** The entries plus every missing parent directory (0755 root), parents first. */
export function withParents(entries: RootfsEntry[]): RootfsEntry[] {
  const listed = new Set(entries.filter((e) => e.type === 'directory').map((e) => e.path));
  const added: RootfsEntry[] = [];
  for (const entry of entries)
    for (let dir = dirname(entry.path); dir !== '.' && !listed.has(dir); dir = dirname(dir)) {
      listed.add(dir);
      added.push({ type: 'directory', path: dir, mode: 0o755 });
    }
  const dirs = [...entries, ...added].filter((e) => e.type === 'directory');
  dirs.sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  return [...dirs, ...entries.filter((e) => e.type !== 'directory')];
}

function addEntry(pack: Pack, header: EntryHeader, body?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (body === undefined) pack.entry(header, done);
    else pack.entry(header, body, done);
  });
}

async function addFile(pack: Pack, path: string, mode: number, source: string): Promise<void> {
  const { size } = await stat(source);
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry({ name: path, type: 'file', size, mode, mtime }, (error) =>
      error ? reject(error) : resolve(),
    );
    const from = createReadStream(source);
    from.on('error', reject);
    from.pipe(sink);
  });
}

async function addAll(pack: Pack, entries: RootfsEntry[]): Promise<void> {
  for (const entry of withParents(entries)) {
    const name = entry.path;
    if (entry.type === 'directory') {
      const owner = { uid: entry.uid ?? 0, gid: entry.gid ?? 0 };
      await addEntry(pack, { name, type: 'directory', mode: entry.mode, mtime, ...owner });
    } else if (entry.type === 'symlink')
      await addEntry(pack, { name, type: 'symlink', linkname: entry.target, mtime });
    else if (entry.type === 'text')
      await addEntry(pack, { name, type: 'file', mode: entry.mode, mtime }, entry.content);
    else await addFile(pack, name, entry.mode, entry.source);
  }
}

/** A tar stream of the root filesystem, for `docker import -`. */
export function packRootfs(entries: RootfsEntry[]): Readable {
  const pack = tarPack();
  addAll(pack, entries).then(
    () => pack.finalize(),
    (error: Error) => pack.destroy(error),
  );
  return Readable.from(pack);
}
