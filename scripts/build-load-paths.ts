// Build-time checks on what a process parses, from esbuild's metafile: the entry file, the
// chunks a path imports dynamically, and everything those import statically.
// - a plain `prestart` (JSON logs) must stay under a byte budget, so a heavy import that
//   slips onto the start path fails the build where it is made;
// - the detached renewer must not load the YAML parser, the config schema or the CLI
//   framework: it gets a normalized plan over its pipe, and keeps what it parses for days.
import type { Metafile } from 'esbuild';

/** The dynamic imports a plain `prestart` with JSON logs takes, by source module. */
const PRESTART_MODULES = ['src/cli/run-cli.ts', 'src/cli/commands/prestart.ts'];
/** The same for `keyturn __renewer` (started by `prestart --daemon`). */
const RENEWER_MODULES = ['src/cli/renewer-entry.ts', 'src/daemon/run-daemon-renewer.ts'];
const RENEWER_FORBIDDEN = /node_modules\/(yaml|zod|commander)\//;

/**
 * Set from the measurement (README, Benchmarks): a prestart loaded 416 KiB in 42 files after
 * the split (730 KiB as one file), 438 KiB in 52 once `exec` landed. The margin allows
 * ordinary growth, not a new library.
 */
export const PRESTART_BUDGET_BYTES = 480 * 1024;

export interface LoadPath {
  files: string[];
  bytes: number;
  inputs: string[];
}

export function loadPath(metafile: Metafile, entry: string, modules: string[]): LoadPath {
  const outputs = metafile.outputs;
  const byEntry = new Map(
    Object.entries(outputs).flatMap(([file, o]) => (o.entryPoint ? [[o.entryPoint, file]] : [])),
  );
  const roots = [entry];
  for (const module of modules) {
    const file = byEntry.get(module);
    if (!file) throw new Error(`load path: no output has ${module} as its entry`);
    roots.push(file);
  }
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? []) {
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
    }
  };
  for (const root of roots) visit(root);
  const files = [...seen];
  return {
    files,
    bytes: files.reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0),
    inputs: files.flatMap((file) => Object.keys(outputs[file]?.inputs ?? {})),
  };
}

export function checkLoadPaths(metafile: Metafile, entry: string): { prestart: LoadPath } {
  const prestart = loadPath(metafile, entry, PRESTART_MODULES);
  if (prestart.bytes > PRESTART_BUDGET_BYTES) {
    const list = prestart.files.map(
      (f) => `  ${f} ${((metafile.outputs[f]?.bytes ?? 0) / 1024).toFixed(0)} KiB`,
    );
    throw new Error(
      `a prestart would load ${(prestart.bytes / 1024).toFixed(0)} KiB, over its budget of ` +
        `${PRESTART_BUDGET_BYTES / 1024} KiB (scripts/build-load-paths.ts):\n${list.join('\n')}`,
    );
  }
  const renewer = loadPath(metafile, entry, RENEWER_MODULES);
  const forbidden = renewer.inputs.filter((input) => RENEWER_FORBIDDEN.test(input));
  if (forbidden.length > 0) {
    throw new Error(
      `the renewer would load modules it must not (scripts/build-load-paths.ts):\n  ${forbidden.join('\n  ')}`,
    );
  }
  return { prestart };
}
