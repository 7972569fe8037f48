// Bundles src/main.ts into dist/keyturn.mjs plus ESM chunks in dist/chunks/: code that a
// command does not run (the renewer, metrics, pretty logs, execa, operator and backup code)
// sits in chunks loaded on first use, so a `prestart` parses only what it runs.
import { chmod, readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { checkLoadPaths, PRESTART_BUDGET_BYTES } from './build-load-paths.ts';
import { assertAscii, sharedOptions } from './build-options.ts';

await rm('dist/chunks', { recursive: true, force: true });
const result = await build({
  ...sharedOptions,
  entryPoints: { keyturn: 'src/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  splitting: true,
  // CommonJS code reads __dirname (dockerode's BuildKit protos, loaded only for image builds,
  // which keyturn never does): ESM has import.meta's instead.
  define: {
    ...sharedOptions.define,
    __dirname: 'import.meta.dirname',
    __filename: 'import.meta.filename',
  },
  // Bundled CommonJS dependencies (pino) call require(): give every ESM file one.
  banner: {
    js: "import { createRequire as __keyturnRequire } from 'node:module'; const require = __keyturnRequire(import.meta.url);",
  },
});
await chmod('dist/keyturn.mjs', 0o755);
if (!result.metafile) throw new Error('esbuild returned no metafile');
const metafile = result.metafile;
const outputs = metafile.outputs;
let total = 0;
for (const [file, output] of Object.entries(outputs)) {
  assertAscii(file, await readFile(file, 'latin1'));
  total += output.bytes;
}
const { prestart } = checkLoadPaths(metafile, 'dist/keyturn.mjs');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(
  `dist/keyturn.mjs + ${Object.keys(outputs).length - 1} chunks: ${kib(total)}; ` +
    `a prestart loads ${prestart.files.length} files, ${kib(prestart.bytes)} (budget ${kib(PRESTART_BUDGET_BYTES)})`,
);
