import { tryParseDuration } from '../config/duration.ts';
import { UsageError } from '../errors/keyturn-error.ts';

/** `keyturn launch` flags as commander hands them over. */
export interface LaunchFlags {
  image?: string;
  name?: string;
  env?: string[];
  network?: string;
  volume?: string[];
  tmpfs?: string[];
  label?: string[];
  user?: string;
  init?: boolean;
  cmd?: string;
  pull?: string;
  wait?: boolean;
  waitTimeout?: string;
  replace?: string;
  stopFirst?: boolean;
}

export type PullPolicy = 'missing' | 'always' | 'never';

/** What to start, checked before the Docker engine or Vault is asked anything. */
export interface LaunchSpec {
  image: string;
  name?: string;
  env: Record<string, string>;
  network?: string;
  binds: string[];
  tmpfs: Record<string, string>;
  labels: Record<string, string>;
  user?: string;
  init: boolean;
  cmd?: string[];
  pull: PullPolicy;
  wait: boolean;
  waitTimeoutMs: number;
  replace?: string;
  stopFirst: boolean;
}

/** keyturn sets these itself; a flag that tried would put a credential where it does not belong. */
const RESERVED_ENV = new Set(['VAULT_ROLE_ID', 'VAULT_SECRET_ID', 'VAULT_TOKEN']);
/** Docker's container name rule. */
const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Turns the flags into a LaunchSpec, naming every bad one at once (exit 64). */
export function launchSpec(flags: LaunchFlags): LaunchSpec {
  const problems: string[] = [];
  const image = flags.image ?? '';
  if (image === '' || /\s/.test(image)) problems.push(`--image "${image}": not an image reference`);
  for (const [flag, value] of [
    ['--name', flags.name],
    ['--replace', flags.replace],
  ] as const)
    if (value !== undefined && !CONTAINER_NAME.test(value))
      problems.push(`${flag} "${value}": not a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)`);
  if (flags.stopFirst && flags.replace === undefined)
    problems.push('--stop-first needs --replace NAME');
  const env = pairs('--env', flags.env ?? [], problems, false);
  for (const key of Object.keys(env)) {
    if (RESERVED_ENV.has(key))
      problems.push(`--env ${key}: keyturn sets ${key} itself (or never passes it)`);
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      problems.push(`--env ${key}: not a variable name`);
  }
  const labels = pairs('--label', flags.label ?? [], problems, true);
  const tmpfs: Record<string, string> = {};
  for (const mount of flags.tmpfs ?? []) {
    const [path = '', ...options] = mount.split(':');
    if (!path.startsWith('/')) problems.push(`--tmpfs "${mount}": expected /PATH[:OPTIONS]`);
    else tmpfs[path] = options.join(':');
  }
  for (const bind of flags.volume ?? [])
    if (bind.split(':').length < 2)
      problems.push(`--volume "${bind}": expected SOURCE:/TARGET[:ro]`);
  const pull = flags.pull ?? 'missing';
  if (pull !== 'missing' && pull !== 'always' && pull !== 'never')
    problems.push(`--pull "${pull}": expected missing, always or never`);
  const timeout = tryParseDuration(flags.waitTimeout ?? '60s');
  if (!timeout.ok) problems.push(`--wait-timeout: ${timeout.message}`);
  const cmd = flags.cmd === undefined ? undefined : command(flags.cmd, problems);
  if (problems.length > 0)
    throw new UsageError(['invalid flags:', ...problems.map((p) => `  ${p}`)].join('\n'));
  return {
    image,
    ...(flags.name === undefined ? {} : { name: flags.name }),
    env,
    ...(flags.network === undefined ? {} : { network: flags.network }),
    binds: flags.volume ?? [],
    tmpfs,
    labels,
    ...(flags.user === undefined ? {} : { user: flags.user }),
    init: flags.init === true,
    ...(cmd === undefined ? {} : { cmd }),
    pull: pull as PullPolicy,
    wait: flags.wait === true,
    waitTimeoutMs: timeout.ok ? timeout.ms : 0,
    ...(flags.replace === undefined ? {} : { replace: flags.replace }),
    stopFirst: flags.stopFirst === true,
  };
}

/** `KEY=VALUE` flags; values are never quoted in a message (an --env value may be a secret). */
function pairs(flag: string, list: string[], problems: string[], emptyOk: boolean) {
  const out: Record<string, string> = {};
  for (const pair of list) {
    const at = pair.indexOf('=');
    const key = at >= 0 ? pair.slice(0, at) : pair;
    if (key === '' || (!emptyOk && at < 0)) {
      // Named only when it looks like a name: a mistyped flag may hold a secret value.
      const shown = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) ? key : '(a value without a KEY=)';
      problems.push(`${flag} ${shown}: expected KEY=VALUE`);
    } else if (key in out) problems.push(`${flag} ${key}: given twice`);
    else out[key] = at >= 0 ? pair.slice(at + 1) : '';
  }
  return out;
}

/** `--cmd`: a JSON array (a Dockerfile's exec form) or words split on spaces. */
function command(text: string, problems: string[]): string[] | undefined {
  if (!text.trimStart().startsWith('[')) {
    const words = text.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) problems.push('--cmd: empty');
    return words;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((a) => typeof a === 'string'))
      return parsed;
  } catch {
    // reported below, without echoing a parser's message
  }
  problems.push(
    '--cmd: a value starting with [ must be a JSON array of strings, e.g. ["node","server.js"]',
  );
  return undefined;
}
