import { join, resolve } from 'node:path';
import type { Config, FileOptions } from '../config/config-types.ts';
import type { PlannedFile } from '../files/write-set.ts';
import { planned } from './plan-files.ts';

/**
 * Every path a run will write, known before anything is fetched, as a trial set for
 * `validateFileSet` (content comes later) and the directories to sweep. A `files`
 * directory's entries are named by the secret, so it stands here as `<dir>/*`: that checks
 * the directory and its parents, and sweeps it.
 */
export function destinations(config: Config, cwd: string): PlannedFile[] {
  const checks: PlannedFile[] = [];
  const add = (path: string | undefined, options: Omit<FileOptions, 'onChange'>) => {
    if (path) checks.push(planned(resolve(cwd, path), '', options));
  };
  for (const secret of config.secrets)
    add(secret.format === 'files' && secret.to ? join(secret.to, '*') : secret.to, secret);
  for (const cert of config.certs)
    for (const path of [cert.cert, cert.key, cert.ca, cert.bundle]) add(path, cert);
  for (const template of config.templates) add(template.to, template);
  if (config.token.sink)
    add(config.token.sink.path, { ...config.token.sink, allowInsecureDir: false });
  return checks;
}
