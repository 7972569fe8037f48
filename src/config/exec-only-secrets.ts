import { UsageError } from '../errors/keyturn-error.ts';
import type { Config } from './config-types.ts';

/**
 * Secrets whose only use is a child's environment: `env:` but no `to`, and no template that
 * could read them by `name`. Only `keyturn exec` has a child; any other command would fetch
 * them (minting leases for nothing) and then say nothing (SPEC §3 `exec`).
 */
export function execOnlySecrets(config: Config): { index: number; path: string }[] {
  return config.secrets.flatMap((secret, index) => {
    const forTemplates = secret.name !== undefined && config.templates.length > 0;
    const envOnly = secret.to === undefined && !forTemplates && Object.keys(secret.env).length > 0;
    return envOnly ? [{ index, path: secret.path }] : [];
  });
}

/** Refuses (64) a config with exec-only secrets for `command`, naming each of them. */
export function refuseExecOnlySecrets(config: Config, command: string): void {
  const found = execOnlySecrets(config);
  if (found.length === 0) return;
  const lines = found.map(
    ({ index, path }) => `  secrets[${index}] (${path}): only env: uses it, and no file is written`,
  );
  throw new UsageError(
    [
      `${command}: these secrets are for \`keyturn exec\` only (env: maps them into its child's environment):`,
      ...lines,
      'Run under `keyturn exec -- CMD`, or give each a `to:` file.',
    ].join('\n'),
  );
}
