import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CertConfig } from '../config/config-types.ts';
import type { Redactor } from '../log/redactor.ts';

/** Validity of a certificate in use, from the certificate itself. */
export interface CertLifetime {
  notBeforeMs: number;
  notAfterMs: number;
  /** When keyturn received it from Vault; unknown for one found on disk. */
  receivedAtMs?: number;
}

export type CertVerdict = { keep: true; lifetime: CertLifetime } | { keep: false; reason: string };

interface SetOnDisk {
  cert: string;
  key: string;
  ca?: string;
  bundle?: string;
}

/**
 * Whether the certificate set already on disk can stay (SPEC §5): the cert must parse, match
 * the key beside it, carry the configured names and not be past `renew_at` of its lifetime;
 * the CA file must have issued it and the bundle must hold that key and cert. A restart with
 * a good set issues nothing; a set left half-written by a crash between two renames is
 * re-issued. Call only after the destinations were checked to be regular files (a FIFO
 * would block the read).
 */
export async function judgeCertSet(
  cert: CertConfig,
  now: number,
  redactor: Redactor,
): Promise<CertVerdict> {
  const files = await readSet(cert);
  if (!files) return { keep: false, reason: 'not on disk yet' };
  redactor.add(files.key);
  try {
    const x509 = new X509Certificate(files.cert);
    const problem =
      pairProblem(x509, files.key) ??
      lifetimeProblem(x509, cert, now) ??
      namesProblem(x509, cert) ??
      companionProblem(x509, files, cert);
    return problem
      ? { keep: false, reason: problem }
      : {
          keep: true,
          lifetime: {
            notBeforeMs: Date.parse(x509.validFrom),
            notAfterMs: Date.parse(x509.validTo),
          },
        };
  } catch {
    return { keep: false, reason: 'certificate or key on disk is not valid PEM' };
  }
}

async function readSet(cert: CertConfig): Promise<SetOnDisk | undefined> {
  const read = (path: string | undefined) =>
    path === undefined ? undefined : readFile(path, 'utf8').catch(() => null);
  const [certPem, key, ca, bundle] = await Promise.all([
    read(cert.cert),
    read(cert.key),
    read(cert.ca),
    read(cert.bundle),
  ]);
  if (!certPem || !key) return undefined;
  return {
    cert: certPem,
    key,
    ca: ca ?? (cert.ca ? '' : undefined),
    bundle: bundle ?? (cert.bundle ? '' : undefined),
  };
}

function pairProblem(x509: X509Certificate, keyPem: string): string | undefined {
  return x509.checkPrivateKey(createPrivateKey(keyPem))
    ? undefined
    : 'certificate and key on disk do not match';
}

function lifetimeProblem(x509: X509Certificate, cert: CertConfig, now: number): string | undefined {
  const notBefore = Date.parse(x509.validFrom);
  const notAfter = Date.parse(x509.validTo);
  if (now >= notAfter) return 'certificate on disk has expired';
  if (now >= notBefore + (notAfter - notBefore) * cert.renewAt)
    return 'certificate on disk is due for renewal';
  return undefined;
}

function namesProblem(x509: X509Certificate, cert: CertConfig): string | undefined {
  if (x509.subject.split('\n').every((line) => line !== `CN=${cert.commonName}`)) {
    return 'certificate on disk has another common name';
  }
  const sans = (x509.subjectAltName ?? '').split(', ');
  const wanted = [
    ...cert.altNames.map((n) => `DNS:${n}`),
    ...cert.ipSans.map((ip) => `IP Address:${ip}`),
  ];
  return wanted.every((san) => sans.includes(san))
    ? undefined
    : 'certificate on disk lacks a configured alt name or IP SAN';
}

/** The CA and bundle files of the same issue (an empty string: configured but missing). */
function companionProblem(
  x509: X509Certificate,
  files: SetOnDisk,
  cert: CertConfig,
): string | undefined {
  if (cert.ca !== undefined) {
    if (!files.ca) return 'CA file is not on disk';
    if (!issuedBy(x509, files.ca)) return 'CA on disk did not issue the certificate on disk';
  }
  if (cert.bundle !== undefined) {
    if (!files.bundle) return 'bundle file is not on disk';
    // plan-files.ts writes the bundle as key + cert + chain, each exactly as in its own file.
    if (!files.bundle.startsWith(files.key + files.cert)) {
      return 'bundle on disk does not hold the key and certificate on disk';
    }
  }
  return undefined;
}

function issuedBy(x509: X509Certificate, caPem: string): boolean {
  try {
    return x509.verify(new X509Certificate(caPem).publicKey);
  } catch {
    return false;
  }
}
