import { resolve } from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import { configPath, readConfigText } from '../config-source.ts';
import type { CommandRun } from '../context.ts';

/** `keyturn config check [FILE]`: 0 when valid; every problem at once otherwise (exit 64). */
export async function run({ ctx, out, globals, args }: CommandRun): Promise<number> {
  const path = args[0] ? resolve(ctx.cwd, args[0]) : configPath(globals, ctx).path;
  const text = (await readConfigText(path, true)) ?? '';
  const config = loadConfig(text, path, ctx.cwd);
  out.log.info(
    {
      file: path,
      secrets: config.secrets.length,
      certs: config.certs.length,
      templates: config.templates.length,
    },
    'configuration is valid',
  );
  return 0;
}
