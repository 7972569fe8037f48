import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CertConfig } from '../config/config-types.ts';
import type { Redactor } from '../log/redactor.ts';
import { type CertVerdict, judgeCertOnDisk } from '../sources/cert-on-disk.ts';

/**
 * Whether the whole certificate set on disk can stay (SPEC §5): the cert and key as
 * judgeCertOnDisk sees them, and the CA and bundle files of the same issue beside them. The
 * set is written file by file, so a crash after the cert and key but before the bundle
 * leaves a matching pair next to a stale bundle, which would otherwise last until renewal.
 * Call only after the destinations were checked to be regular files (a FIFO would block).
 */
export async function judgeCertSet(
  cert: CertConfig,
  cwd: string,
  now: number,
  redactor: Redactor,
): Promise<CertVerdict> {
  const verdict = await judgeCertOnDisk(cert, cwd, now, redactor);
  if (!verdict.keep) return verdict;
  const problem = await setProblem(cert, cwd);
  return problem === undefined ? verdict : { keep: false, reason: problem };
}

async function setProblem(cert: CertConfig, cwd: string): Promise<string | undefined> {
  const read = (path: string) => readFile(resolve(cwd, path), 'utf8').catch(() => undefined);
  const [certPem, keyPem] = await Promise.all([read(cert.cert), read(cert.key)]);
  if (certPem === undefined || keyPem === undefined) return 'certificate or key vanished';
  if (cert.ca !== undefined) {
    const caPem = await read(cert.ca);
    if (caPem === undefined) return 'CA file is not on disk';
    if (!issuedBy(certPem, caPem)) return 'CA on disk did not issue the certificate on disk';
  }
  if (cert.bundle !== undefined) {
    const bundle = await read(cert.bundle);
    if (bundle === undefined) return 'bundle file is not on disk';
    // plan-files.ts writes the bundle as key + cert + chain, each exactly as in its own file.
    if (!bundle.startsWith(keyPem + certPem))
      return 'bundle on disk does not hold the key and certificate on disk';
  }
  return undefined;
}

function issuedBy(certPem: string, caPem: string): boolean {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
  } catch {
    return false;
  }
}
