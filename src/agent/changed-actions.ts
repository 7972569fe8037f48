import { dirname, resolve } from 'node:path';
import type { Config, OnChange } from '../config/config-types.ts';

/** One action to run and the files whose change called for it. */
export interface DueAction {
  action: OnChange;
  files: string[];
}

/**
 * The `on_change` actions due for the files written in one rotation, coalesced (SPEC §6):
 * a certificate set, a `format: files` directory, or several secrets naming the same
 * action make one run, not one per file.
 */
export function changedActions(
  config: Config,
  cwd: string,
  written: readonly string[],
): DueAction[] {
  const owners = actionOwners(config, cwd);
  const due = new Map<string, DueAction>();
  for (const path of written) {
    for (const owner of owners) {
      if (!owner.owns(path)) continue;
      const key = JSON.stringify(owner.action);
      const entry = due.get(key) ?? { action: owner.action, files: [] };
      if (!entry.files.includes(path)) entry.files.push(path);
      due.set(key, entry);
    }
  }
  return [...due.values()];
}

interface Owner {
  action: OnChange;
  owns(path: string): boolean;
}

function actionOwners(config: Config, cwd: string): Owner[] {
  const owners: Owner[] = [];
  const exactly = (paths: (string | undefined)[]) => {
    const set = new Set(paths.filter((p) => p !== undefined).map((p) => resolve(cwd, p)));
    return (path: string) => set.has(path);
  };
  for (const secret of config.secrets) {
    if (!secret.onChange || !secret.to) continue;
    const to = resolve(cwd, secret.to);
    owners.push({
      action: secret.onChange,
      owns: secret.format === 'files' ? (path) => dirname(path) === to : (path) => path === to,
    });
  }
  for (const cert of config.certs) {
    if (cert.onChange) {
      owners.push({
        action: cert.onChange,
        owns: exactly([cert.cert, cert.key, cert.ca, cert.bundle]),
      });
    }
  }
  for (const template of config.templates) {
    if (template.onChange) owners.push({ action: template.onChange, owns: exactly([template.to]) });
  }
  return owners;
}
