import { posix } from 'node:path';
import { type ConfigPath, formatConfigPath, type RuleProblem } from './config-path.ts';
import { defaultFormat } from './normalize-config.ts';
import type { ConfigFile } from './schema.ts';

interface Destination {
  path: ConfigPath;
  /** Normalised: `./a//b/` and `a/b` are the same file. */
  file: string;
  /** A `format: files` directory: every file inside it belongs to that secret. */
  isDirectory: boolean;
}

function normalise(file: string): string {
  const normal = posix.normalize(file);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Every file or directory keyturn writes, with where it is configured. */
function listDestinations(config: ConfigFile): Destination[] {
  const list: Destination[] = [];
  const add = (path: ConfigPath, file: string | undefined, isDirectory = false) => {
    if (file !== undefined) list.push({ path, file: normalise(file), isDirectory });
  };
  add(['token', 'sink', 'path'], config.token.sink?.path);
  config.secrets.forEach((secret, index) => {
    add(['secrets', index, 'to'], secret.to, defaultFormat(secret) === 'files');
  });
  config.certs.forEach((cert, index) => {
    for (const key of ['cert', 'key', 'ca', 'bundle'] as const)
      add(['certs', index, key], cert[key]);
  });
  config.templates.forEach((template, index) => {
    add(['templates', index, 'to'], template.to);
  });
  return list;
}

/**
 * Two items writing the same file would overwrite each other at every rotation, and a file
 * inside a `format: files` directory would be mistaken for one of its keys.
 */
export function checkDestinations(config: ConfigFile): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Map<string, Destination>();
  const destinations = listDestinations(config);
  for (const destination of destinations) {
    const first = seen.get(destination.file);
    if (first === undefined) seen.set(destination.file, destination);
    else {
      problems.push({
        path: destination.path,
        message: `${destination.file} is already written by ${formatConfigPath(first.path)}`,
      });
    }
  }
  for (const directory of destinations.filter((d) => d.isDirectory)) {
    for (const other of destinations) {
      if (!other.file.startsWith(`${directory.file}/`)) continue;
      problems.push({
        path: other.path,
        message: `${other.file} is inside ${directory.file}, which ${formatConfigPath(directory.path)} fills (format files)`,
      });
    }
  }
  return problems;
}

/**
 * keyturn's own state, lock and log live in `state_dir`; a secret written there could be
 * swept, overwritten or read back as state. Only an explicit `state_dir` can be checked here
 * (the default depends on the user keyturn runs as).
 */
export function checkStateDirectory(config: ConfigFile): RuleProblem[] {
  if (config.state_dir === undefined) return [];
  const stateDir = normalise(config.state_dir);
  return listDestinations(config)
    .filter((d) => d.file === stateDir || d.file.startsWith(`${stateDir === '/' ? '' : stateDir}/`))
    .map((d) => ({
      path: d.path,
      message: `${d.file} is inside state_dir ${stateDir}, which holds keyturn's own state, lock and log`,
    }));
}

/** A template written over its own source would render its output the next time. */
export function checkTemplateSources(config: ConfigFile): RuleProblem[] {
  const problems: RuleProblem[] = [];
  config.templates.forEach((template, index) => {
    if (normalise(template.to) !== normalise(template.source)) return;
    problems.push({
      path: ['templates', index, 'to'],
      message: `${template.to} is the template's own source: the first render would replace it`,
    });
  });
  return problems;
}
