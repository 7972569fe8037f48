// Bundles src/main.ts into the single-file CLI dist/keyturn.mjs.
import { chmod, readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/keyturn.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22.12',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  metafile: true,
  define: { KEYTURN_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (pino) call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __keyturnRequire } from 'node:module'; const require = __keyturnRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod('dist/keyturn.mjs', 0o755);
const bytes = result.metafile.outputs['dist/keyturn.mjs']?.bytes ?? 0;
console.log(`dist/keyturn.mjs ${(bytes / 1024).toFixed(0)} KiB`);
