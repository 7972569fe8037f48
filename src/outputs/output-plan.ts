import { dirname, join } from 'node:path';
import type { Config, FileOptions, OnChange } from '../config/config-types.ts';
import type { PlannedFile } from '../files/write-set.ts';

/** Which configured item an output group comes from. */
export type OutputItem =
  | { kind: 'secret'; index: number }
  | { kind: 'cert'; index: number }
  | { kind: 'template'; index: number }
  | { kind: 'sink' };

/** How an output's files are owned and guarded. */
export type OutputFileOptions = Omit<FileOptions, 'onChange' | 'onChangeWaitMs'>;

/**
 * One output group (SPEC §6): a secret's file or files, a certificate set, a template, the
 * token sink — rendered, written, judged and announced together. The one list of what keyturn
 * writes: validation, writing and `on_change` all read it.
 */
export interface PlannedOutput {
  item: OutputItem;
  /** For logs and status: the Vault path, `cert <common name>`, `template <source>`, `token sink`. */
  label: string;
  /** Absolute paths of the files it writes (none listed for a `format: files` directory). */
  files: string[];
  /** `format: files`: every file directly inside belongs to this output. */
  directory?: string;
  options: OutputFileOptions;
  onChange?: OnChange;
  /** How long its files must be quiet before `onChange` runs. */
  onChangeWaitMs?: number;
}

/** Every output of a config, in config order: secrets, certificates, templates, the sink. */
export function planOutputs(config: Config): PlannedOutput[] {
  const outputs: PlannedOutput[] = [];
  config.secrets.forEach((secret, index) => {
    if (!secret.to) return; // feeds templates or a child's environment only
    const directory = secret.format === 'files' ? secret.to : undefined;
    outputs.push({
      item: { kind: 'secret', index },
      label: secret.path,
      files: directory ? [] : [secret.to],
      ...(directory ? { directory } : {}),
      options: fileOptions(secret),
      ...announce(secret),
    });
  });
  config.certs.forEach((cert, index) => {
    const files = [cert.cert, cert.key, cert.ca, cert.bundle].filter((f) => f !== undefined);
    outputs.push({
      item: { kind: 'cert', index },
      label: `cert ${cert.commonName}`,
      files,
      options: fileOptions(cert),
      ...announce(cert),
    });
  });
  config.templates.forEach((template, index) => {
    outputs.push({
      item: { kind: 'template', index },
      label: `template ${template.source}`,
      files: [template.to],
      options: fileOptions(template),
      ...announce(template),
    });
  });
  const sink = config.token.sink;
  if (sink) {
    outputs.push({
      item: { kind: 'sink' },
      label: 'token sink',
      files: [sink.path],
      options: { mode: sink.mode, allowInsecureDir: false },
    });
  }
  return outputs;
}

function announce(item: FileOptions): Pick<PlannedOutput, 'onChange' | 'onChangeWaitMs'> {
  return item.onChange ? { onChange: item.onChange, onChangeWaitMs: item.onChangeWaitMs } : {};
}

function fileOptions(item: FileOptions): OutputFileOptions {
  const { mode, owner, group, allowInsecureDir } = item;
  return { mode, owner, group, allowInsecureDir };
}

/** Whether `path` is one of this output's files. */
export function ownsFile(output: PlannedOutput, path: string): boolean {
  return output.directory ? dirname(path) === output.directory : output.files.includes(path);
}

/**
 * Every path the outputs will write, known before anything is fetched, as a trial set for
 * `validateFileSet` (content comes later) and the directories to sweep. A `files` directory's
 * entries are named by the secret, so it stands here as `<dir>/*`: that checks the directory
 * and its parents, and sweeps it.
 */
export function destinations(outputs: readonly PlannedOutput[]): PlannedFile[] {
  return outputs.flatMap((output) =>
    (output.directory ? [join(output.directory, '*')] : output.files).map((path) =>
      plannedFile(path, '', output),
    ),
  );
}

/** A file of `output` with its content, for the writer; `mode` for a key in a public set. */
export function plannedFile(
  path: string,
  content: string | Uint8Array,
  output: PlannedOutput,
  mode = output.options.mode,
): PlannedFile {
  const { owner, group, allowInsecureDir } = output.options;
  return {
    path,
    content,
    mode,
    uid: owner,
    gid: group,
    allowInsecureDir,
    group: output.label,
  };
}
