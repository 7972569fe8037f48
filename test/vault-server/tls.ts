import { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The engines' x509 entry loads the Reflect metadata shim @peculiar/x509 needs first.
import * as x509 from './engines/x509.ts';

export interface TlsMaterial {
  caCertPem: string;
  caCertFile: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** Removes the temporary directory holding caCertFile. */
  cleanup(): Promise<void>;
}

type KeyPair = webcrypto.CryptoKeyPair;
type Key = webcrypto.CryptoKey;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

type Validity = { notBefore: Date; notAfter: Date };

function makeCa(keys: KeyPair, validity: Validity) {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=keyturn test Vault CA',
    ...validity,
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
}

function makeServerCert(ca: x509.X509Certificate, caKey: Key, publicKey: Key, validity: Validity) {
  return x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=localhost',
    issuer: ca.subject,
    ...validity,
    signingKey: caKey,
    publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
}

/** A throwaway CA and a server certificate for 127.0.0.1/localhost, so tests cover VAULT_CACERT. */
export async function makeTlsMaterial(): Promise<TlsMaterial> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  // A minute of back-dating absorbs clock skew; a day outlives any test run.
  const validity = {
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
  };
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const ca = await makeCa(caKeys, validity);
  const serverKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const server = await makeServerCert(ca, caKeys.privateKey, serverKeys.publicKey, validity);
  const dir = await mkdtemp(join(tmpdir(), 'keyturn-vault-tls-'));
  const caCertPem = ca.toString('pem');
  const caCertFile = join(dir, 'ca.pem');
  await writeFile(caCertFile, caCertPem, { mode: 0o644 });
  return {
    caCertPem,
    caCertFile,
    serverCertPem: server.toString('pem'),
    serverKeyPem: pem(
      'PRIVATE KEY',
      await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey),
    ),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
