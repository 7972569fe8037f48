import { configJsonSchema } from '../../config/schema.ts';
import type { CommandRun } from '../context.ts';

/** `keyturn config schema`: the JSON Schema of the config file, for editors. */
export async function run({ out }: CommandRun): Promise<number> {
  out.print(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
