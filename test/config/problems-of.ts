import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';

/** Loads YAML and returns its problems as `path: message` (no file position), [] when valid. */
export function problemsOf(yaml: string): string[] {
  try {
    loadConfig(yaml, 'keyturn.yaml', '/');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`));
  }
}
