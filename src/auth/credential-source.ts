import { readFile } from 'node:fs/promises';
import type { AuthConfig, CredentialSource } from '../config/config-types.ts';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Redactor } from '../log/redactor.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads a credential at login time (a file is re-read each time, so a renewer can log in
 * again with a secret ID a launcher replaced, or a service-account token kubelet rotated),
 * and registers it with the redactor before anything else can print it. Errors name the
 * source, never the value.
 */
export async function readCredential(
  source: CredentialSource,
  what: string,
  env: Env,
  redactor: Redactor,
): Promise<string> {
  const value = await readSource(source, what, env);
  redactor.add(value);
  return value;
}

async function readSource(source: CredentialSource, what: string, env: Env): Promise<string> {
  switch (source.kind) {
    case 'literal':
      return source.value;
    case 'env': {
      const value = env[source.name]?.trim();
      if (!value) throw new UsageError(`${what}: environment variable ${source.name} is not set`);
      return value;
    }
    case 'file': {
      let text: string;
      try {
        text = await readFile(source.path, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new UsageError(`${what}: cannot read ${source.path} (${code})`, { cause: error });
      }
      const value = text.trim();
      if (!value) throw new UsageError(`${what}: ${source.path} is empty`);
      return value;
    }
  }
}

/** Where a source points, for messages: `the file /x`, `$NAME`, `the config file`. */
export function describeSource(source: CredentialSource): string {
  if (source.kind === 'file') return source.path;
  if (source.kind === 'env') return `$${source.name}`;
  return 'the value in the config file';
}

/** Credentials written into the config itself, for the redactor of a process that did not load it. */
export function literalCredentials(auth: AuthConfig | undefined): string[] {
  if (!auth) return [];
  const sources = Object.values(auth).filter(
    (value): value is CredentialSource =>
      typeof value === 'object' && value !== null && 'kind' in value,
  );
  return sources.flatMap((source) => (source.kind === 'literal' ? [source.value] : []));
}
