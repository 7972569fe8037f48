import { join } from 'node:path';
import type { CertConfig, Config, SecretConfig } from '../config/config-types.ts';
import { renderFiles } from '../files/files-format.ts';
import { renderSecret } from '../files/formats.ts';
import { renderTemplate, type TemplateSecrets } from '../files/templates.ts';
import type { PlannedFile } from '../files/write-set.ts';
import type { IssuedCert } from '../sources/issue-cert.ts';
import type { SecretData } from '../sources/read-secret.ts';
import { type PlannedOutput, plannedFile } from './output-plan.ts';
import { templateSourceOptions } from './template-source-options.ts';

/** What outputs are rendered from: everything fetched (by config index) and the token. */
export interface Holdings {
  secrets: readonly SecretData[];
  /** Undefined where the certificate set on disk stays: nothing to write for it. */
  certs: readonly (IssuedCert | undefined)[];
  token: string;
}

/** Renders every output in memory first, so a render error writes nothing. */
export async function renderOutputs(
  outputs: readonly PlannedOutput[],
  config: Config,
  holdings: Holdings,
  keyturnUid: number,
): Promise<PlannedFile[]> {
  const rendered = await Promise.all(
    outputs.map((output) => renderOutput(output, config, holdings, keyturnUid)),
  );
  return rendered.flat();
}

/** The files of one output with their content; none for a certificate kept on disk. */
export async function renderOutput(
  output: PlannedOutput,
  config: Config,
  holdings: Holdings,
  keyturnUid: number,
): Promise<PlannedFile[]> {
  const { item } = output;
  switch (item.kind) {
    case 'secret': {
      const secret = config.secrets[item.index] as SecretConfig;
      return secretFiles(secret, holdings.secrets[item.index]?.data ?? {}, output);
    }
    case 'cert': {
      const cert = config.certs[item.index];
      const issued = holdings.certs[item.index];
      return cert && issued ? certFiles(cert, issued, output) : [];
    }
    case 'template': {
      const template = config.templates[item.index];
      if (!template) return [];
      const content = await renderTemplate(
        template.source,
        templateContext(config, holdings),
        templateSourceOptions(template, keyturnUid),
      );
      return [plannedFile(template.to, content, output)];
    }
    case 'sink':
      return [plannedFile(output.files[0] ?? '', `${holdings.token}\n`, output)];
  }
}

async function secretFiles(
  secret: SecretConfig,
  data: Record<string, unknown>,
  output: PlannedOutput,
): Promise<PlannedFile[]> {
  if (secret.format === 'files') {
    const dir = output.directory ?? '';
    return [...renderFiles(data, secret.path)].map(([name, content]) =>
      plannedFile(join(dir, name), content, output),
    );
  }
  const content =
    secret.format === 'yaml'
      ? (await import('../files/yaml-format.ts')).renderYaml(data)
      : renderSecret(secret.format, data, secret.field, secret.path);
  return [plannedFile(output.files[0] ?? '', content, output)];
}

/** cert, key, CA and bundle are one set (SPEC §5): written together, judged together. */
function certFiles(cert: CertConfig, issued: IssuedCert, output: PlannedOutput): PlannedFile[] {
  const chain = issued.caChain.length > 0 ? issued.caChain : [issued.issuingCa];
  const pem = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const files = [
    plannedFile(cert.cert, pem(issued.certificate), output),
    plannedFile(cert.key, pem(issued.privateKey), output, cert.keyMode),
  ];
  if (cert.ca) files.push(plannedFile(cert.ca, pem(issued.issuingCa), output));
  if (cert.bundle) {
    const bundle = [issued.privateKey, issued.certificate, ...chain].map(pem).join('');
    files.push(plannedFile(cert.bundle, bundle, output, cert.keyMode));
  }
  return files;
}

/** What templates see: `{{secrets.<name>.<key>}}` for every secret with a `name:`. */
function templateContext(config: Config, holdings: Holdings): TemplateSecrets {
  const named: TemplateSecrets = {};
  config.secrets.forEach((secret, index) => {
    if (secret.name) named[secret.name] = holdings.secrets[index]?.data ?? {};
  });
  return named;
}
