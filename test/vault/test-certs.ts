import type { webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// The test server's re-export loads the Reflect shim that @peculiar/x509's tsyringe needs first.
import * as x509 from '../vault-server/engines/x509.ts';

const { subtle } = globalThis.crypto;
x509.cryptoProvider.set(globalThis.crypto);
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface TestPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function leaf(
  ca: x509.X509Certificate,
  caKey: webcrypto.CryptoKey,
  cn: string,
  names: x509.JsonGeneralNames,
) {
  const keys = await subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${cn}`,
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.SubjectAlternativeNameExtension(names),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** A throwaway CA, a server cert for localhost/127.0.0.1/vault.internal, and a client cert. */
export async function makeTestPki(): Promise<TestPki> {
  const caKeys = await subtle.generateKey(alg, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=keyturn test CA',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const server = await leaf(ca, caKeys.privateKey, 'localhost', [
    { type: 'dns', value: 'localhost' },
    { type: 'dns', value: 'vault.internal' },
    { type: 'ip', value: '127.0.0.1' },
  ]);
  const client = await leaf(ca, caKeys.privateKey, 'keyturn-client', [
    { type: 'dns', value: 'client' },
  ]);
  return {
    caPem: ca.toString('pem'),
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
  };
}

/** Writes the PKI's PEM files into `dir`; the CA also into `dir/capath/` beside an unrelated file. */
export async function writeTestPki(pki: TestPki, dir: string) {
  const paths = {
    ca: join(dir, 'ca.pem'),
    caPath: join(dir, 'capath'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client-key.pem'),
  };
  await writeFile(paths.ca, pki.caPem);
  await mkdir(paths.caPath);
  await writeFile(join(paths.caPath, 'a1b2c3d4.0'), pki.caPem);
  await writeFile(join(paths.caPath, 'README'), 'not a certificate\n');
  await writeFile(paths.clientCert, pki.clientCertPem);
  await writeFile(paths.clientKey, pki.clientKeyPem);
  return paths;
}
