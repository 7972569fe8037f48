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

/*
 * dockerode (with its gRPC, protobuf and SSH dependencies) is needed by `keyturn launch`
 * only: it is bundled into its own file, dist/keyturn-docker.mjs, which the CLI imports
 * lazily by a relative path. The main file never references it statically, so copying
 * dist/keyturn.mjs alone into an image keeps every other command working.
 */
const DOCKER_CHUNK = 'keyturn-docker.mjs';
const dockerChunk: Plugin = {
  name: 'dockerode-chunk',
  setup(b) {
    b.onResolve({ filter: /^dockerode$/ }, () => ({ path: `./${DOCKER_CHUNK}`, external: true }));
  },
};
// ssh2's optional native helpers: required inside try/catch, absent is fine (pure JS fallback).
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
  plugins: [lazyBuiltins, dockerChunk],
  define: { KEYTURN_VERSION: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies (pino) call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __keyturnRequire } from 'node:module'; const require = __keyturnRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod('dist/keyturn.mjs', 0o755);
const docker = await build({
  stdin: { contents: "export { default } from 'dockerode';", resolveDir: '.', loader: 'js' },
  outfile: `dist/${DOCKER_CHUNK}`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22.12',
  minify: true,
  legalComments: 'none',
  metafile: true,
  plugins: [optionalNatives],
  // CommonJS code in it reads __dirname (dockerode's BuildKit protos, used only by builds).
  banner: {
    js: "import { createRequire as __keyturnRequire } from 'node:module'; import { dirname as __keyturnDirname } from 'node:path'; import { fileURLToPath as __keyturnPath } from 'node:url'; const require = __keyturnRequire(import.meta.url); const __filename = __keyturnPath(import.meta.url); const __dirname = __keyturnDirname(__filename);",
  },
  logLevel: 'warning',
});
// One non-ASCII character (esbuild escapes strings, not regex literals) makes V8 keep the
// whole source as two bytes a character: refuse it here rather than pay 0.7 MiB per process.
const text = await readFile('dist/keyturn.mjs', 'latin1');
const wide = text.search(/[^\x00-\x7f]/);
if (wide >= 0)
  throw new Error(
    `dist/keyturn.mjs is not ASCII at offset ${wide}: ${text.slice(wide - 40, wide + 10)}`,
  );
const bytes = result.metafile.outputs['dist/keyturn.mjs']?.bytes ?? 0;
const dockerBytes = docker.metafile.outputs[`dist/${DOCKER_CHUNK}`]?.bytes ?? 0;
console.log(
  `dist/keyturn.mjs ${(bytes / 1024).toFixed(0)} KiB, dist/${DOCKER_CHUNK} ${(dockerBytes / 1024).toFixed(0)} KiB (launch only)`,
);
