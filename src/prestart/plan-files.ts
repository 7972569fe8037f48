import { join, resolve } from 'node:path';
import type { CertConfig, Config, FileOptions, SecretConfig } from '../config/config-types.ts';
import { renderFiles } from '../files/files-format.ts';
import { renderSecret } from '../files/formats.ts';
import { renderTemplate } from '../files/templates.ts';
import type { PlannedFile } from '../files/write-set.ts';
import type { IssuedCert } from '../sources/issue-cert.ts';
import type { SecretData } from '../sources/read-secret.ts';

/** Every file one run writes, rendered in memory first so a render error writes nothing. */
export async function planFiles(
  config: Config,
  fetched: { secrets: SecretData[]; certs: (IssuedCert | undefined)[] },
  token: string,
  cwd: string,
): Promise<PlannedFile[]> {
  const files: PlannedFile[] = [];
  config.secrets.forEach((secret, index) => {
    const data = fetched.secrets[index]?.data ?? {};
    if (secret.to) files.push(...secretFiles(secret, data, cwd));
  });
  config.certs.forEach((cert, index) => {
    const issued = fetched.certs[index];
    if (issued) files.push(...certFiles(cert, issued, cwd));
  });
  const named = templateContext(config.secrets, fetched.secrets);
  for (const template of config.templates) {
    const content = await renderTemplate(resolve(cwd, template.source), named);
    files.push(
      planned(resolve(cwd, template.to), content, template, `template ${template.source}`),
    );
  }
  if (config.token.sink) {
    const { path, mode } = config.token.sink;
    files.push({
      path: resolve(cwd, path),
      content: `${token}\n`,
      mode,
      allowInsecureDir: false,
      group: 'token',
    });
  }
  return files;
}

function secretFiles(
  secret: SecretConfig,
  data: Record<string, unknown>,
  cwd: string,
): PlannedFile[] {
  const to = resolve(cwd, secret.to ?? '');
  if (secret.format === 'files') {
    return [...renderFiles(data, secret.path)].map(([name, content]) =>
      planned(join(to, name), content, secret, secret.path),
    );
  }
  return [
    planned(to, renderSecret(secret.format, data, secret.field, secret.path), secret, secret.path),
  ];
}

/** cert, key, CA and bundle are one set (SPEC §5): written together, judged together. */
function certFiles(cert: CertConfig, issued: IssuedCert, cwd: string): PlannedFile[] {
  const set = `cert ${cert.commonName}`;
  const chain = issued.caChain.length > 0 ? issued.caChain : [issued.issuingCa];
  const pem = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const files = [
    planned(resolve(cwd, cert.cert), pem(issued.certificate), cert, set),
    planned(resolve(cwd, cert.key), pem(issued.privateKey), cert, set),
  ];
  if (cert.ca) files.push(planned(resolve(cwd, cert.ca), pem(issued.issuingCa), cert, set));
  if (cert.bundle) {
    const bundle = [issued.privateKey, issued.certificate, ...chain].map(pem).join('');
    files.push(planned(resolve(cwd, cert.bundle), bundle, cert, set));
  }
  return files;
}

function templateContext(secrets: SecretConfig[], fetched: SecretData[]) {
  const named: Record<string, Record<string, unknown>> = {};
  secrets.forEach((secret, index) => {
    if (secret.name) named[secret.name] = fetched[index]?.data ?? {};
  });
  return named;
}

/** A file to write with the owner, mode and parent rule its config item asks for. */
export function planned(
  path: string,
  content: string,
  options: Omit<FileOptions, 'onChange'>,
  group?: string,
): PlannedFile {
  return {
    path,
    content,
    mode: options.mode,
    uid: options.owner,
    gid: options.group,
    allowInsecureDir: options.allowInsecureDir,
    group,
  };
}
