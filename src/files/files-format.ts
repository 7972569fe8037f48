import { VaultDataError } from '../errors/keyturn-error.ts';
import { TEMP_PREFIX } from './temp-file-name.ts';
import { valueText } from './value-text.ts';

/** `format: files`: one file per key, named after the key; returns file name -> content. */
export function renderFiles(data: Record<string, unknown>, source = 'secret'): Map<string, string> {
  const files = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    assertPlainFileName(key, source);
    files.set(key, valueText(value));
  }
  return files;
}

/**
 * Refuses a key that is not one plain file name: a key with `/` or `..` from Vault must not
 * choose a path outside the configured directory.
 */
function assertPlainFileName(key: string, source = 'secret'): void {
  let why: string | undefined;
  if (key === '') why = 'is empty';
  else if (key === '.' || key === '..') why = 'names a directory';
  else if (key.includes('/')) why = "contains '/'";
  else if (key.includes('\0')) why = 'contains a NUL byte';
  else if (/[\n\r]/.test(key)) why = 'contains a line break';
  else if (key.startsWith('-')) why = "starts with '-', which commands would read as an option";
  else if (key.trim() === '') why = 'is only spaces';
  else if (key.startsWith(TEMP_PREFIX))
    why = `starts with ${TEMP_PREFIX}, which keyturn uses for temporary files`;
  else if (Buffer.byteLength(key) > 255) why = 'is longer than 255 bytes';
  if (why === undefined) return;
  throw new VaultDataError(
    `${source}: key ${JSON.stringify(key)} is not a plain file name: it ${why}`,
    {
      details: { source, key },
    },
  );
}
