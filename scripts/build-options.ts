// What the two builds share: the ESM build of dist/ (scripts/build.ts) and the CommonJS
// bundle inside the single executable (scripts/build-sea.ts) are made from the same source
// with the same settings, so they cannot drift apart.
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import type { BuildOptions, Plugin } from 'esbuild';

/*
 * Node's own modules are loaded through require, when the code that uses them first runs.
 * esbuild hoists every external ESM import to the top of the bundle, so without this a
 * `prestart` would load child_process, worker_threads and crypto at start whether or not it
 * uses them, and an ESM import of node:http evaluates all its lazy exports (undici, ~40 ms).
 * A single executable's `require` loads only built-ins, which is all this asks of it.
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

/*
 * ssh2 (under dockerode, for `keyturn launch` over ssh://) requires its optional native
 * helpers inside try/catch and falls back to pure JS: leave them out of the bundle.
 */
const optionalNatives: Plugin = {
  name: 'optional-natives',
  setup(b) {
    b.onResolve({ filter: /(\.node$|^cpu-features$)/ }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

export const sharedOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22.12',
  minify: true,
  // Error classes name themselves after their constructor (`new.target.name`).
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  plugins: [lazyBuiltins, optionalNatives],
  define: { KEYTURN_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

/**
 * One non-ASCII character (esbuild escapes strings, not regex literals) makes V8 keep the
 * whole source as two bytes a character: refuse it here rather than pay for it per process.
 */
export function assertAscii(file: string, text: string): void {
  const wide = text.search(/[^\x00-\x7f]/);
  if (wide >= 0) {
    throw new Error(`${file} is not ASCII at offset ${wide}: ${text.slice(wide - 40, wide + 10)}`);
  }
}
