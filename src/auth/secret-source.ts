import { readFile } from 'node:fs/promises';
import type { CredentialSource } from '../config/config-types.ts';
import { UsageError } from '../errors/keyturn-error.ts';

/**
 * Reads a credential at login time (a file is re-read each time, so a renewer can log in
 * again with a secret ID that a launcher has replaced). Errors name the source, not the value.
 */
export async function readSecretSource(
  source: CredentialSource,
  what: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
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
