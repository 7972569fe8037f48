import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { DockerCli } from '../docker-cli.ts';
import type { BuiltImage } from './base-images.ts';
import { contentHash } from './content-hash.ts';
import { imageExists, pruneOtherTags } from './image-tags.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dockerfile = fileURLToPath(new URL('vault-server.Dockerfile', import.meta.url));

/** test/vault-server/main.ts as one ESM file (esbuild, like dist/keyturn.mjs). */
async function bundleServer(outfile: string): Promise<void> {
  await build({
    absWorkingDir: repoRoot,
    entryPoints: ['test/vault-server/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    legalComments: 'none',
    logLevel: 'warning',
    // Bundled CommonJS dependencies call require(): give the ESM bundle one.
    banner: {
      js: "import { createRequire as __serverRequire } from 'node:module'; const require = __serverRequire(import.meta.url);",
    },
  });
}

/** Builds (or finds, by content hash) `keyturn-vault-server` on the node24 base. */
export async function ensureVaultServerImage(cli: DockerCli, base: string): Promise<BuiltImage> {
  const context = await mkdtemp(join(tmpdir(), 'keyturn-vault-image-'));
  try {
    const bundle = join(context, 'vault-server.mjs');
    await bundleServer(bundle);
    const tag = `keyturn-vault-server:${await contentHash([base], [dockerfile, bundle])}`;
    if (await imageExists(cli, tag)) return { tag, builtMs: undefined };
    const started = performance.now();
    await copyFile(dockerfile, join(context, 'Dockerfile'));
    await cli.run(['build', '--quiet', '--build-arg', `BASE=${base}`, '--tag', tag, context]);
    await pruneOtherTags(cli, 'keyturn-vault-server', tag);
    return { tag, builtMs: performance.now() - started };
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
