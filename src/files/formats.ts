import { UsageError, VaultDataError } from '../errors/keyturn-error.ts';
import { renderDockerEnv, renderEnv } from './env-format.ts';
import { valueText } from './value-text.ts';

/** Formats that make one file of a secret (`files` makes several: see files-format.ts). */
export type SecretFormat = 'raw' | 'json' | 'yaml' | 'env' | 'docker-env';

/**
 * Renders a secret's data as file content (`yaml` is yaml-format.ts: its library is loaded
 * only when a secret asks for it, which a prestart or renewer seldom does). `field` is required by `raw`; `source` (the Vault
 * path) only labels errors. Errors name keys and fields, never values.
 */
export function renderSecret(
  format: Exclude<SecretFormat, 'yaml'>,
  data: Record<string, unknown>,
  field?: string,
  source = 'secret',
): string {
  switch (format) {
    case 'raw':
      return renderRaw(data, field, source);
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    case 'env':
      return renderEnv(data, source);
    case 'docker-env':
      return renderDockerEnv(data, source);
  }
}

/** One field exactly as stored (no newline added: a PEM or token is written byte for byte). */
function renderRaw(
  data: Record<string, unknown>,
  field: string | undefined,
  source: string,
): string {
  if (field === undefined) throw new UsageError(`${source}: format raw needs a field`);
  if (!Object.hasOwn(data, field)) {
    const fields = Object.keys(data).join(', ') || 'none';
    throw new VaultDataError(
      `${source} has no field ${JSON.stringify(field)} (its fields: ${fields})`,
      {
        details: { source, field },
      },
    );
  }
  return valueText(data[field]);
}
