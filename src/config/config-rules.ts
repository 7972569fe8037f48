import { AUTH_METHODS, configuredMethods } from './auth-schema.ts';
import type { ConfigPath, RuleProblem } from './config-path.ts';
import {
  checkDestinations,
  checkStateDirectory,
  checkTemplateSources,
} from './destination-rules.ts';
import { tryParseDuration } from './duration.ts';
import { formatFileMode, isWiderThan, parseFileMode } from './file-mode.ts';
import { defaultFormat } from './normalize-config.ts';
import type { ConfigFile, OnChangeEntry, SecretEntry } from './schema.ts';

/**
 * Rules that involve more than one key. Each is a small named function returning every
 * problem it finds, so a file with five mistakes gets five messages in one run.
 */
type ConfigRule = (file: ConfigFile) => RuleProblem[];

/** A private key or a token readable by group or others is one `ls` away from leaking. */
const PRIVATE_MODE_LIMIT = 0o600;
/** A key may be shared with a group that reads it (nginx's workers), never with others. */
const KEY_MODE_LIMIT = 0o740;

type SourceEntry = string | { env?: string; file?: string; remove_after_read?: boolean };

/** `auth:` names one method; two would leave it to chance which one logs in. */
function checkOneAuthMethod(file: ConfigFile): RuleProblem[] {
  const methods = configuredMethods(file.auth);
  if (methods.length <= 1) return [];
  return [
    {
      path: ['auth'],
      message: `set exactly one of ${AUTH_METHODS.join(', ')} (found ${methods.join(' and ')})`,
    },
  ];
}

/** Each credential source names exactly one of env or file; only a file can be removed. */
function checkCredentialSources(file: ConfigFile): RuleProblem[] {
  const { approle, kubernetes, jwt, token } = file.auth;
  return [
    ...(approle?.role_id ? checkSource(approle.role_id, ['auth', 'approle', 'role_id']) : []),
    ...(approle?.secret_id ? checkSource(approle.secret_id, ['auth', 'approle', 'secret_id']) : []),
    ...(kubernetes ? checkSource(kubernetes.jwt, ['auth', 'kubernetes', 'jwt']) : []),
    ...(jwt ? checkSource(jwt.jwt, ['auth', 'jwt', 'jwt']) : []),
    // `token: {}` means VAULT_TOKEN; naming both is still ambiguous.
    ...(token && token.env !== undefined && token.file !== undefined
      ? [{ path: ['auth', 'token'], message: 'set one of env or file, not both' }]
      : []),
  ];
}

function checkSource(source: SourceEntry, path: ConfigPath): RuleProblem[] {
  if (typeof source === 'string') return [];
  const problems: RuleProblem[] = [];
  if ((source.env === undefined) === (source.file === undefined)) {
    problems.push({ path, message: 'set exactly one of env or file' });
  }
  if (source.remove_after_read !== undefined && source.file === undefined) {
    problems.push({
      path: [...path, 'remove_after_read'],
      message: 'remove_after_read applies only to a file source',
    });
  }
  return problems;
}

/** Pinning a wrapping token's creation path makes no sense when wrapping is off. */
function checkExpectedCreationPath(file: ConfigFile): RuleProblem[] {
  const approle = file.auth.approle;
  if (approle?.expected_creation_path === undefined || approle.wrapped !== false) return [];
  return [
    {
      path: ['auth', 'approle', 'expected_creation_path'],
      message: 'applies only to wrapping tokens, but wrapped is false',
    },
  ];
}

/** Every item that can carry `on_change`, with its path. */
function onChangeEntries(file: ConfigFile): [OnChangeEntry, ConfigPath][] {
  const entries: [OnChangeEntry, ConfigPath][] = [];
  for (const key of ['secrets', 'certs', 'templates'] as const) {
    file[key].forEach((item, index) => {
      if (item.on_change) entries.push([item.on_change, [key, index, 'on_change']]);
    });
  }
  return entries;
}

/** on_change is either `{ signal, pid_file }` or `{ command, timeout? }`, never a mix. */
function checkOnChange(file: ConfigFile): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const [entry, path] of onChangeEntries(file)) {
    const hasSignal = entry.signal !== undefined;
    if (hasSignal === (entry.command !== undefined)) {
      problems.push({ path, message: 'set either signal (with pid_file) or command' });
    } else if (hasSignal && entry.pid_file === undefined) {
      problems.push({ path, message: 'signal needs pid_file: the file holding the pid to signal' });
    }
    if (!hasSignal && entry.pid_file !== undefined) {
      problems.push({ path: [...path, 'pid_file'], message: 'pid_file applies only to signal' });
    }
    if (hasSignal && entry.timeout !== undefined) {
      problems.push({ path: [...path, 'timeout'], message: 'timeout applies only to command' });
    }
  }
  return problems;
}

/** format, field, to, name and version must fit together for each secret. */
function checkSecretShapes(file: ConfigFile): RuleProblem[] {
  return file.secrets.flatMap((secret, index) =>
    checkSecretShape(secret, ['secrets', index], file.defaults.kv_version),
  );
}

function checkSecretShape(
  secret: SecretEntry,
  path: ConfigPath,
  defaultKv: number | undefined,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const format = defaultFormat(secret);
  if (format === 'raw' && secret.field === undefined) {
    problems.push({
      path: [...path, 'format'],
      message: 'format raw needs field: which one to write',
    });
  }
  if (format !== 'raw' && secret.field !== undefined) {
    problems.push({
      path: [...path, 'field'],
      message: `field applies only to format raw, not ${format}`,
    });
  }
  if (secret.to === undefined && secret.name === undefined && secret.env === undefined) {
    problems.push({
      path,
      message: 'a secret without `to` needs a name (for templates) or env (for exec)',
    });
  }
  if (secret.to?.endsWith('/') && format !== 'files') {
    problems.push({
      path: [...path, 'to'],
      message: `ends with / but format ${format} writes one file`,
    });
  }
  if (secret.version !== undefined && (secret.kv_version ?? defaultKv) === 1) {
    problems.push({ path: [...path, 'version'], message: 'version applies only to KV version 2' });
  }
  return problems;
}

/** Template names and exec environment variables must each be unique across secrets. */
function checkNames(file: ConfigFile): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const names = new Map<string, number>();
  const variables = new Map<string, number>();
  file.secrets.forEach((secret, index) => {
    if (secret.name !== undefined) {
      const first = names.get(secret.name);
      if (first === undefined) names.set(secret.name, index);
      else {
        const message = `"${secret.name}" is already the name of secrets[${first}]`;
        problems.push({ path: ['secrets', index, 'name'], message });
      }
    }
    for (const variable of Object.keys(secret.env ?? {})) {
      const first = variables.get(variable);
      if (first === undefined) variables.set(variable, index);
      else {
        const message = `${variable} is already set by secrets[${first}]`;
        problems.push({ path: ['secrets', index, 'env', variable], message });
      }
    }
  });
  return problems;
}

/**
 * The token sink stays within 0600; a certificate's key and bundle (key_mode) within the
 * owner's bits plus group read. The certificate and CA are public: `mode` has no limit.
 */
function checkPrivateModes(file: ConfigFile): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const sink = file.token.sink;
  if (sink && isWiderThan(parseFileMode(sink.mode), PRIVATE_MODE_LIMIT)) {
    problems.push({
      path: ['token', 'sink', 'mode'],
      message: `${sink.mode} is wider than 0600: the token file must not be readable by group or others`,
    });
  }
  file.certs.forEach((cert, index) => {
    if (cert.key_mode === undefined) return; // the owner's bits of `mode`: never too wide
    const mode = parseFileMode(cert.key_mode);
    if (!isWiderThan(mode, KEY_MODE_LIMIT)) return;
    problems.push({
      path: ['certs', index, 'key_mode'],
      message: `${formatFileMode(mode)} is too wide for the private key and bundle: the owner's bits and group read at most (e.g. "0600" or "0640"), nothing for others`,
    });
  });
  return problems;
}

/** `exec.signal` is what `on_change: signal` sends; with another on_change it would do nothing. */
function checkExecSignal(file: ConfigFile): RuleProblem[] {
  if (file.exec.signal === undefined || file.exec.on_change === 'signal') return [];
  return [
    {
      path: ['exec', 'signal'],
      message: `applies only to on_change: signal (on_change is ${file.exec.on_change})`,
    },
  ];
}

/**
 * Durations that parse but cannot work: a request timeout or retry delay under a millisecond
 * (`timeout: 1ns`) would fail every request, and must be reported with its line like any
 * other mistake, not at the first request.
 */
function checkShortDurations(file: ConfigFile): RuleProblem[] {
  const vault = file.vault;
  const fields: [string | number | undefined, ConfigPath][] = [
    [vault.timeout, ['vault', 'timeout']],
    [vault.retry.initial, ['vault', 'retry', 'initial']],
    [vault.retry.max, ['vault', 'retry', 'max']],
  ];
  const problems: RuleProblem[] = [];
  for (const [value, path] of fields) {
    if (value === undefined) continue;
    const parsed = tryParseDuration(value);
    if (parsed.ok && parsed.ms < 1) {
      problems.push({ path, message: `"${value}" is shorter than 1ms; use at least 1ms` });
    }
  }
  return problems;
}

/** Every rule, in the order their messages are listed. */
const configRules: readonly ConfigRule[] = [
  checkOneAuthMethod,
  checkCredentialSources,
  checkExpectedCreationPath,
  checkOnChange,
  checkSecretShapes,
  checkNames,
  checkPrivateModes,
  checkDestinations,
  checkExecSignal,
  checkStateDirectory,
  checkTemplateSources,
  checkShortDurations,
];

/** Runs every rule and returns all their problems. */
export function checkConfigRules(file: ConfigFile): RuleProblem[] {
  return configRules.flatMap((rule) => rule(file));
}
