import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors/keyturn-error.ts';
import type { CommandRun } from './context.ts';
import { type JsonInput, parseJsonInput } from './input-json.ts';

export interface AnswerSpec {
  /** `passphrase` or `key`: the --input-json key and the name in messages. */
  name: keyof JsonInput;
  /** A file given by a flag (`--passphrase-file`), read whole, one trailing newline dropped. */
  file?: string;
  /** The flag that names such a file, for the message when no source was given. */
  fileFlag: string;
  /** The question on a terminal; asked twice when `confirm` (a new backup's passphrase). */
  question: string;
  confirm?: boolean;
}

/**
 * A secret answer from stdin (`--input-json`), a file or a hidden prompt on a terminal —
 * never argv (SPEC §1). Registered with the redactor the moment it is read.
 */
export async function readAnswer(run: CommandRun<unknown>, spec: AnswerSpec): Promise<string> {
  const { ctx, out, globals } = run;
  if (globals.inputJson && spec.file) {
    throw new UsageError(`give the ${spec.name} once: --input-json or a file, not both`);
  }
  let value: string | undefined;
  if (globals.inputJson) {
    value = parseJsonInput(await ctx.readStdin(), out.redactor)[spec.name];
    if (!value) throw new UsageError(`--input-json: "${spec.name}" is missing`);
  } else if (spec.file) {
    const path = resolve(ctx.cwd, spec.file);
    try {
      value = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot read the ${spec.name} file ${path} (${code})`, { cause: error });
    }
    out.redactor.add(value);
    if (!value) throw new UsageError(`the ${spec.name} file ${path} is empty`);
  } else if (ctx.prompt) {
    value = await ctx.prompt(spec.question);
    out.redactor.add(value);
    if (spec.confirm && (await ctx.prompt('again: ')) !== value) {
      throw new UsageError(`the two ${spec.name}s differ`);
    }
  } else {
    throw new UsageError(
      `no ${spec.name}: pass ${spec.fileFlag}, or --input-json with {"${spec.name}": ...} on stdin, or run on a terminal to be asked`,
    );
  }
  if (!value) throw new UsageError(`the ${spec.name} is empty`);
  return value;
}
