import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { DockerCli } from '../docker-cli.ts';
import { baseRootfs, caBundle, nodeBinary, type RootfsEntry } from './base-rootfs.ts';
import { contentHash } from './content-hash.ts';
import { imageExists, pruneOtherTags } from './image-tags.ts';
import { packRootfs } from './rootfs-tar.ts';

/** Local stand-ins for public base images: no registry can be reached from these machines. */
export interface BaseImages {
  /** busybox + glibc + node 24 at /usr/local/bin/node, user `node` (1000): like node:24-slim. */
  node24: string;
  /** busybox + glibc only: for a single-executable keyturn. */
  glibc: string;
}

export interface BuiltImage {
  tag: string;
  /** How long building took, or undefined when the tag was already there. */
  builtMs: number | undefined;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// The recipe itself is part of the hash: editing how the tar is made rebuilds the images.
const recipeFiles = ['base-rootfs.ts', 'rootfs-tar.ts', 'base-images.ts'].map(
  (name) => new URL(name, import.meta.url),
);

async function recipeHash(entries: RootfsEntry[], changes: string[]): Promise<string> {
  const recipe = await Promise.all(recipeFiles.map((url) => readFile(url, 'utf8')));
  // Paths on this machine do not matter, only what ends up in the image.
  const layout = JSON.stringify(entries.map((e) => ({ ...e, source: undefined })));
  const sources = entries.flatMap((e) => (e.type === 'file' ? [e.source] : []));
  return contentHash([...recipe, layout, ...changes], sources);
}

/** Imports the root filesystem as `repository:<content hash>` unless that tag exists. */
async function ensureBaseImage(
  cli: DockerCli,
  repository: string,
  entries: RootfsEntry[],
  changes: string[],
): Promise<BuiltImage> {
  const tag = `${repository}:${await recipeHash(entries, changes)}`;
  if (await imageExists(cli, tag)) return { tag, builtMs: undefined };
  const started = performance.now();
  const flags = changes.flatMap((change) => ['--change', change]);
  await cli.run(['image', 'import', ...flags, '-', tag], {
    input: packRootfs(entries),
    timeoutMs: 300_000,
  });
  await pruneOtherTags(cli, repository, tag);
  return { tag, builtMs: performance.now() - started };
}

/** Builds (or finds, by content hash) keyturn-base-node24 and keyturn-base-glibc. */
export async function ensureBaseImages(
  cli: DockerCli,
): Promise<{ images: BaseImages; built: Record<keyof BaseImages, BuiltImage> }> {
  const version = execFileSync(nodeBinary(), ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.'))
    throw new Error(`the node dev dependency is ${version}, keyturn-base-node24 needs v24`);
  // Node trusts only its own CA list unless told: hand it the host's bundle (see base-rootfs).
  const trust = existsSync(caBundle) ? [`ENV NODE_EXTRA_CA_CERTS=${caBundle}`] : [];
  const common = [`ENV PATH=${PATH}`, ...trust, 'CMD ["sh"]'];
  const node24 = await ensureBaseImage(cli, 'keyturn-base-node24', baseRootfs({ withNode: true }), [
    ...common,
    `ENV NODE_VERSION=${version}`,
  ]);
  const glibc = await ensureBaseImage(
    cli,
    'keyturn-base-glibc',
    baseRootfs({ withNode: false }),
    common,
  );
  return { images: { node24: node24.tag, glibc: glibc.tag }, built: { node24, glibc } };
}
