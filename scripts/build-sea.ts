// `npm run build:sea`: keyturn as one executable (Node's single-executable application) for
// glibc linux-x64: the same source bundled as CommonJS, its V8 code cache made at build
// time, injected with postject into a copy of the `node` dev dependency's binary.
// Output: dist/keyturn, its intermediate files in dist/keyturn.sea/ (neither is part of the npm package: `files` lists dist/keyturn.mjs and
// dist/chunks/ only).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { assertAscii, sharedOptions } from './build-options.ts';

// Options for bench/levers.ts, which measures the code cache by building without it.
const { values: flags } = parseArgs({
  options: { 'no-code-cache': { type: 'boolean' }, out: { type: 'string' } },
});
const output = flags.out ?? 'dist/keyturn';
const work = `${output}.sea`;
const bundle = join(work, 'keyturn.cjs');
const blob = join(work, 'keyturn.blob');
const nodeBinary = 'node_modules/node/bin/node';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(
    `build:sea makes a linux-x64 executable; this is ${process.platform}-${process.arch}`,
  );
}

await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
// CommonJS, one file: a single executable's `require` loads only Node's built-ins, so every
// dependency and every lazily imported module is inlined (esbuild turns import() into a
// require of the inlined module: still evaluated on first use, only parsed at start).
await build({
  ...sharedOptions,
  entryPoints: ['src/main.ts'],
  outfile: bundle,
  format: 'cjs',
});
assertAscii(bundle, await readFile(bundle, 'latin1'));

await writeFile(
  join(work, 'sea-config.json'),
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    // V8's compiled code for the bundle, made now: the start skips compiling it (README,
    // Benchmarks). useSnapshot is off: see README why it does not pay here.
    useCodeCache: !flags['no-code-cache'],
    useSnapshot: false,
    // Node flags only from `--node-options=` on the command line (the renewer gets --jitless
    // that way), never from NODE_OPTIONS: a variable in a container's environment cannot
    // preload code into the program that holds its secrets.
    execArgvExtension: 'cli',
  }),
);
execFileSync(nodeBinary, ['--experimental-sea-config', join(work, 'sea-config.json')], {
  stdio: 'inherit',
});

await rm(output, { force: true });
await copyFile(nodeBinary, output);
await chmod(output, 0o755);
// The Node binary ships its symbols (126 MiB); without them it is 108 MiB. Optional: binutils
// may be missing, and the executable works either way.
try {
  execFileSync('strip', [output], { stdio: 'ignore' });
} catch {
  console.log('strip not found (binutils): the executable keeps its symbols');
}
// postject (LIEF) warns once per ELF note it cannot name; its output matters only on failure.
const injected = spawnSync(
  'node_modules/.bin/postject',
  [
    output,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  { encoding: 'utf8' },
);
if (injected.status !== 0) {
  throw new Error(`postject failed (${injected.status}): ${injected.stderr}${injected.stdout}`);
}
const version = execFileSync(output, ['--version'], { encoding: 'utf8' }).trim();
const size = (await stat(output)).size;
console.log(
  `${output} ${(size / 1024 / 1024).toFixed(1)} MiB (keyturn ${version}, Node ${process.versions.node})`,
);
