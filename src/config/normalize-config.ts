import { normalizeAuth } from './auth-schema.ts';
import type {
  CertConfig,
  Config,
  ExecConfig,
  FileOptions,
  OnChange,
  SecretConfig,
  TemplateConfig,
} from './config-types.ts';
import { parseDuration } from './duration.ts';
import { parseFileMode } from './file-mode.ts';
import { type RelativePaths, resolveNoting } from './relative-paths.ts';
import type { CertEntry, ConfigFile, OnChangeEntry, SecretEntry, TemplateEntry } from './schema.ts';

/** A command that hangs must not hold up renewal forever; 30s covers a reload or restart. */
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/** `defaults:` and how to make a configured path absolute. */
type Defaults = ConfigFile['defaults'] & { path: (value: string) => string };

/**
 * Turns a validated file (schema defaults and rules passed) into the runtime Config. Every
 * path is made absolute against `cwd` here, once: nothing downstream resolves a path again.
 */
export function normalizeConfig(file: ConfigFile, cwd: string): Config {
  const { vault, auth, token } = file;
  const tls = vault.tls ?? {};
  const relative: RelativePaths = { cwd, paths: {} };
  const path = (value: string) => resolveNoting(cwd, value, relative);
  const optionalPath = (value: string | undefined) =>
    value === undefined ? undefined : path(value);
  const defaults = { ...file.defaults, path };
  return {
    vault: {
      address: vault.address,
      tls: {
        caCert: optionalPath(tls.ca_cert),
        caPath: optionalPath(tls.ca_path),
        clientCert: optionalPath(tls.client_cert),
        clientKey: optionalPath(tls.client_key),
        serverName: tls.server_name,
        skipVerify: tls.skip_verify,
      },
      namespace: vault.namespace,
      timeoutMs: parseDuration(vault.timeout),
      retry: {
        initialMs: parseDuration(vault.retry.initial),
        maxMs: parseDuration(vault.retry.max),
        giveUpAfterMs: parseDuration(vault.retry.give_up_after),
      },
    },
    auth: normalizeAuth(auth, path),
    token: {
      sink: token.sink && { path: path(token.sink.path), mode: parseFileMode(token.sink.mode) },
      revokeOnExit: token.revoke_on_exit,
    },
    secrets: file.secrets.map((entry) => normalizeSecret(entry, defaults)),
    certs: file.certs.map((entry) => normalizeCert(entry, defaults)),
    templates: file.templates.map((entry) => normalizeTemplate(entry, defaults)),
    exec: normalizeExec(file.exec, defaults),
    ...(file.state_dir === undefined ? {} : { stateDir: path(file.state_dir) }),
    ...(Object.keys(relative.paths).length > 0 ? { relativePaths: relative } : {}),
  };
}

/** The rules guarantee either signal + pid_file or command. */
function normalizeOnChange(
  entry: OnChangeEntry | undefined,
  path: (value: string) => string,
): OnChange | undefined {
  if (entry === undefined) return undefined;
  if (entry.command !== undefined) {
    const timeoutMs =
      entry.timeout === undefined ? DEFAULT_COMMAND_TIMEOUT_MS : parseDuration(entry.timeout);
    return { kind: 'command', argv: entry.command, timeoutMs };
  }
  return {
    kind: 'signal',
    signal: entry.signal as NodeJS.Signals,
    pidFile: path(entry.pid_file ?? ''),
  };
}

type FileEntry = Pick<
  SecretEntry,
  'mode' | 'owner' | 'group' | 'allow_insecure_dir' | 'on_change' | 'on_change_wait'
>;

/** Per-item values win over `defaults:`. */
function fileOptions(entry: FileEntry, defaults: Defaults): FileOptions {
  return {
    mode: parseFileMode(entry.mode ?? defaults.mode),
    owner: entry.owner ?? defaults.owner,
    group: entry.group ?? defaults.group,
    allowInsecureDir: entry.allow_insecure_dir ?? defaults.allow_insecure_dir,
    onChange: normalizeOnChange(entry.on_change, defaults.path),
    onChangeWaitMs: parseDuration(entry.on_change_wait ?? defaults.on_change_wait),
  };
}

/** `field` alone means "write that value raw"; otherwise the whole secret as JSON. */
export function defaultFormat(
  entry: Pick<SecretEntry, 'format' | 'field'>,
): SecretConfig['format'] {
  return entry.format ?? (entry.field === undefined ? 'json' : 'raw');
}

function normalizeSecret(entry: SecretEntry, defaults: Defaults): SecretConfig {
  return {
    ...fileOptions(entry, defaults),
    path: entry.path,
    to: entry.to === undefined ? undefined : defaults.path(entry.to),
    format: defaultFormat(entry),
    field: entry.field,
    version: entry.version,
    name: entry.name,
    env: entry.env ?? {},
    refreshMs: parseDuration(entry.refresh ?? defaults.refresh),
    kvVersion: entry.kv_version ?? defaults.kv_version,
  };
}

function normalizeCert(entry: CertEntry, defaults: Defaults): CertConfig {
  const options = fileOptions(entry, defaults);
  return {
    ...options,
    keyMode:
      entry.key_mode === undefined ? privateKeyMode(options.mode) : parseFileMode(entry.key_mode),
    mount: entry.mount,
    role: entry.role,
    commonName: entry.common_name,
    altNames: entry.alt_names,
    ipSans: entry.ip_sans,
    ttlMs: entry.ttl === undefined ? undefined : parseDuration(entry.ttl),
    keyType: entry.key_type,
    cert: defaults.path(entry.cert),
    key: defaults.path(entry.key),
    ca: entry.ca === undefined ? undefined : defaults.path(entry.ca),
    bundle: entry.bundle === undefined ? undefined : defaults.path(entry.bundle),
    renewAt: entry.renew_at,
  };
}

/**
 * SIGHUP by default: the usual "reload your configuration" signal. The child's restart is
 * its on_change action: the same quiet window, per item or from `defaults`.
 */
function normalizeExec(entry: ConfigFile['exec'], defaults: Defaults): ExecConfig {
  return {
    onChange: entry.on_change,
    signal: (entry.signal ?? 'SIGHUP') as NodeJS.Signals,
    stopSignal: entry.stop_signal as NodeJS.Signals,
    stopTimeoutMs: parseDuration(entry.stop_timeout),
    onChangeWaitMs: parseDuration(entry.on_change_wait ?? defaults.on_change_wait),
  };
}

/** A public certificate may be 0644; its key by default keeps only the owner's bits (0600). */
export function privateKeyMode(mode: number): number {
  return mode & 0o700;
}

function normalizeTemplate(entry: TemplateEntry, defaults: Defaults): TemplateConfig {
  return {
    ...fileOptions(entry, defaults),
    source: defaults.path(entry.source),
    to: defaults.path(entry.to),
  };
}
