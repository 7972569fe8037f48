// Bundles src/main.ts into the single-file CLI dist/keyturn.mjs.
import { chmod, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';

/*
 * Node's own modules are loaded through require, when the code that uses them first runs.
 * esbuild hoists every external ESM import to the top of the bundle, so without this a
 * `prestart` would load child_process, worker_threads and crypto at start whether or not it
 * uses them, and an ESM import of node:http evaluates all its lazy exports (undici, ~40 ms).
 */
const builtins = new RegExp(
  `^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`,
);
const lazyBuiltins: Plugin = {
  name: 'lazy-node-builtins',
  setup(b) {
    b.onResolve({ filter: builtins }, (args) => {
      if (args.namespace !== 'file') return { path: args.path, external: true };
      // commander requires child_process at load for executable subcommands, which keyturn
      // never uses: hand it a proxy that loads the module only if it is ever touched (~10 ms).
      const proxy = args.path.endsWith('child_process') && args.importer.includes('/commander/');
      return { path: args.path, namespace: proxy ? 'proxy-builtin' : 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'proxy-builtin' }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: 'js',
    }));
  },
};

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/keyturn.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22.12',
  minify: true,
  // Error classes name themselves after their constructor (`new.target.name`).
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  plugins: [lazyBuiltins],
  define: { KEYTURN_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (pino) call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __keyturnRequire } from 'node:module'; const require = __keyturnRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod('dist/keyturn.mjs', 0o755);
// One non-ASCII character (esbuild escapes strings, not regex literals) makes V8 keep the
// whole source as two bytes a character: refuse it here rather than pay 0.7 MiB per process.
const text = await readFile('dist/keyturn.mjs', 'latin1');
const wide = text.search(/[^\x00-\x7f]/);
if (wide >= 0)
  throw new Error(
    `dist/keyturn.mjs is not ASCII at offset ${wide}: ${text.slice(wide - 40, wide + 10)}`,
  );
const bytes = result.metafile.outputs['dist/keyturn.mjs']?.bytes ?? 0;
console.log(`dist/keyturn.mjs ${(bytes / 1024).toFixed(0)} KiB`);
