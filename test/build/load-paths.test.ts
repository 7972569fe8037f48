import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { checkLoadPaths, PRESTART_BUDGET_BYTES } from '../../scripts/build-load-paths.ts';

type Output = Metafile['outputs'][string];

/** A metafile shaped like the real build's: the entry, one chunk per dynamic import. */
function metafile(sizes: { cli?: number; shared?: number }, renewerInputs: string[] = []) {
  const output = (o: Partial<Output>): Output => ({
    bytes: 1000,
    inputs: {},
    imports: [],
    exports: [],
    ...o,
  });
  const input = (path: string) => ({ [path]: { bytesInOutput: 10 } });
  const outputs: Record<string, Output> = {
    'dist/keyturn.mjs': output({
      imports: [
        { path: 'dist/chunks/run-cli.mjs', kind: 'dynamic-import' },
        { path: 'dist/chunks/renewer-entry.mjs', kind: 'dynamic-import' },
      ],
    }),
    'dist/chunks/run-cli.mjs': output({
      entryPoint: 'src/cli/run-cli.ts',
      bytes: sizes.cli ?? 1000,
      imports: [{ path: 'dist/chunks/shared.mjs', kind: 'import-statement' }],
    }),
    'dist/chunks/prestart.mjs': output({ entryPoint: 'src/cli/commands/prestart.ts' }),
    'dist/chunks/shared.mjs': output({ bytes: sizes.shared ?? 1000 }),
    'dist/chunks/renewer-entry.mjs': output({
      entryPoint: 'src/cli/renewer-entry.ts',
      imports: [{ path: 'dist/chunks/renewer-deps.mjs', kind: 'import-statement' }],
    }),
    'dist/chunks/run-daemon-renewer.mjs': output({
      entryPoint: 'src/daemon/run-daemon-renewer.ts',
    }),
    'dist/chunks/renewer-deps.mjs': output({
      inputs: Object.assign({}, ...renewerInputs.map(input)),
    }),
    'dist/chunks/operator.mjs': output({ bytes: 10 * 1024 * 1024 }),
  };
  return { inputs: {}, outputs } as Metafile;
}

describe('the build-time load-path checks', () => {
  it('counts the entry, the prestart chunks and their static imports, not other chunks', () => {
    const { prestart } = checkLoadPaths(metafile({ cli: 5000 }), 'dist/keyturn.mjs');
    expect(prestart.files.sort()).toEqual([
      'dist/chunks/prestart.mjs',
      'dist/chunks/run-cli.mjs',
      'dist/chunks/shared.mjs',
      'dist/keyturn.mjs',
    ]);
    expect(prestart.bytes).toBe(8000);
  });

  it('fails when a statically imported chunk pushes the prestart path past its budget', () => {
    expect(() =>
      checkLoadPaths(metafile({ shared: PRESTART_BUDGET_BYTES }), 'dist/keyturn.mjs'),
    ).toThrow(/a prestart would load \d+ KiB, over its budget [\s\S]*dist\/chunks\/shared\.mjs/);
  });

  it('fails when the renewer would load the YAML parser, zod or commander', () => {
    const yaml = 'node_modules/yaml/dist/index.js';
    expect(() =>
      checkLoadPaths(metafile({}, ['src/agent/x.ts', yaml]), 'dist/keyturn.mjs'),
    ).toThrow(
      `the renewer would load modules it must not (scripts/build-load-paths.ts):\n  ${yaml}`,
    );
    expect(() =>
      checkLoadPaths(metafile({}, ['node_modules/pino/pino.js']), 'dist/keyturn.mjs'),
    ).not.toThrow();
  });
});
