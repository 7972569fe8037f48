/**
 * The runtime configuration every other part of keyturn reads: durations in milliseconds
 * (`Ms` in the name), modes as numbers, `defaults:` already applied to every item, and
 * discriminated unions instead of "which of these keys is set", every path absolute (resolved
 * against the working directory once, here). Built only by normalize-config.ts, from a
 * validated file or from `--secret` flags.
 */

import type { RetrySettings } from '../vault/retrier.ts';
import type { VaultTlsOptions } from '../vault/tls-options.ts';
import type { RelativePaths } from './relative-paths.ts';

export type SecretFormat = 'raw' | 'json' | 'yaml' | 'env' | 'docker-env' | 'files';
export type KeyType = 'ec' | 'rsa' | 'ed25519';
export type KvVersion = 1 | 2;

/** Where a credential (role ID, secret ID, JWT, token) is read from, at login time; paths absolute. */
export type CredentialSource =
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string; removeAfterRead: boolean }
  | { kind: 'literal'; value: string };

/** What to do after a file's content changed. */
export type OnChange =
  | { kind: 'signal'; signal: NodeJS.Signals; pidFile: string }
  | { kind: 'command'; argv: string[]; timeoutMs: number };

/** Values only the file sets; each `undefined` is filled from the environment (SPEC §2). */
export interface VaultFileSettings {
  address?: string;
  tls: VaultTlsOptions;
  namespace?: string;
  timeoutMs: number;
  retry: RetrySettings;
}

/** AppRole (SPEC §4): a role ID and a secret ID, the latter usually response-wrapped. */
export interface AppRoleConfig {
  method: 'approle';
  mount: string;
  roleId: CredentialSource;
  secretId: CredentialSource;
  wrapped: 'auto' | boolean;
  expectedCreationPath?: string;
}

/** A pod's service-account token, re-read at every login (kubelet rotates it). */
export interface KubernetesConfig {
  method: 'kubernetes';
  mount: string;
  role: string;
  jwt: CredentialSource;
}

/** A CI system's OIDC JWT (GitHub Actions, GitLab `id_tokens`, Jenkins). */
export interface JwtConfig {
  method: 'jwt';
  mount: string;
  /** Undefined: the mount's `default_role`. */
  role?: string;
  jwt: CredentialSource;
}

/** An existing token: no login; renewed if renewable, revoked only with `revoke_on_exit`. */
export interface TokenAuthConfig {
  method: 'token';
  token: CredentialSource;
}

/** Exactly one auth method (SPEC §3 `auth:`). */
export type AuthConfig = AppRoleConfig | KubernetesConfig | JwtConfig | TokenAuthConfig;
export type AuthMethodName = AuthConfig['method'];

/** How a written file is owned and guarded; owner/group undefined = keyturn's own uid/gid. */
export interface FileOptions {
  mode: number;
  owner?: number;
  group?: number;
  allowInsecureDir: boolean;
  onChange?: OnChange;
  /** on_change runs once the item's files were quiet this long (SPEC §6; capped at 10×). */
  onChangeWaitMs: number;
}

export interface SecretConfig extends FileOptions {
  path: string;
  /** Undefined: the secret only feeds templates (`name`) or a child's environment (`env`). */
  to?: string;
  format: SecretFormat;
  field?: string;
  version?: number;
  name?: string;
  /** Child environment variable → field of the secret (exec mode). */
  env: Record<string, string>;
  refreshMs: number;
  kvVersion?: KvVersion;
}

export interface CertConfig extends FileOptions {
  mount: string;
  role: string;
  commonName: string;
  altNames: string[];
  ipSans: string[];
  /** Undefined: the PKI role's TTL. */
  ttlMs?: number;
  keyType: KeyType;
  cert: string;
  key: string;
  /** The key's and the bundle's mode: the cert and CA are public and get `mode`. */
  keyMode: number;
  ca?: string;
  bundle?: string;
  /** Fraction of the lifetime (0 < renewAt < 1) at which the certificate is re-issued. */
  renewAt: number;
}

export interface TemplateConfig extends FileOptions {
  source: string;
  to: string;
}

/** `exec:` (SPEC §3): how `keyturn exec -- CMD` runs its child. */
export interface ExecConfig {
  /** When a secret in the child's environment changes. */
  onChange: 'restart' | 'signal' | 'none';
  /** Sent for `onChange: 'signal'`. */
  signal: NodeJS.Signals;
  /** Asks the child to stop before a restart. */
  stopSignal: NodeJS.Signals;
  /** Then SIGKILL. */
  stopTimeoutMs: number;
  /** Changes closer together than this make one restart (or signal). */
  onChangeWaitMs: number;
}

export interface Config {
  vault: VaultFileSettings;
  auth: AuthConfig;
  token: { sink?: { path: string; mode: number }; revokeOnExit: boolean };
  secrets: SecretConfig[];
  certs: CertConfig[];
  templates: TemplateConfig[];
  exec: ExecConfig;
  /** Where the renewer keeps state.json, its lock and log; undefined = the default (state-paths.ts). */
  stateDir?: string;
  /** The paths written relatively, for error messages; absent when every path was absolute. */
  relativePaths?: RelativePaths;
}
