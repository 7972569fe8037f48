import type { TemplateConfig } from '../config/config-types.ts';
import type { TemplateSourceOptions } from '../files/templates.ts';

/** A template's source is judged for its output's owner: as root, that owner must not steer the read. */
export function templateSourceOptions(
  template: TemplateConfig,
  keyturnUid: number,
): TemplateSourceOptions {
  return {
    keyturnUid,
    ownerUid: template.owner,
    ownerGid: template.group,
    allowInsecure: template.allowInsecureDir,
  };
}
