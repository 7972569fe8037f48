import { resolve } from 'node:path';
import type { TemplateConfig } from '../config/config-types.ts';
import { VaultDataError } from '../errors/keyturn-error.ts';
import { renderTemplate } from '../files/templates.ts';

/** Reads and parses every template before login, so a typo in one does not spend the one-time secret ID. */
export async function checkTemplates(templates: TemplateConfig[], cwd: string): Promise<void> {
  for (const template of templates) {
    try {
      // Rendering over no secrets reads the file, parses it and refuses partials (UsageError);
      // the keys it then cannot find (VaultDataError) are for the real render to judge.
      await renderTemplate(resolve(cwd, template.source), {});
    } catch (error) {
      if (!(error instanceof VaultDataError)) throw error;
    }
  }
}
