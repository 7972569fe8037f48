import { resolve } from 'node:path';
import type { TemplateConfig } from '../config/config-types.ts';
import { checkTemplate } from '../files/templates.ts';

/** Reads and parses every template before login, so a typo in one does not spend the one-time secret ID. */
export async function checkTemplates(templates: TemplateConfig[], cwd: string): Promise<void> {
  for (const template of templates) await checkTemplate(resolve(cwd, template.source));
}
