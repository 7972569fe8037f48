import { randomUUID } from 'node:crypto';
import { badRequest } from './engine-errors.ts';
import type { FieldData } from './field-data.ts';
import type { MountTtl } from './mount-ttl.ts';
import {
  defaultKeyBits,
  generateKeyPair,
  type PkiKeyPair,
  type PkiKeyType,
  privateKeyPem,
  signingAlgorithm,
  validateKeyType,
} from './pki-keys.ts';
import { isHostname } from './pki-names.ts';
import { certificateNotAfter, type LeafNotAfterBehavior } from './pki-not-after.ts';
import { randomSerial } from './pki-serial.ts';
import * as x509 from './x509.ts';

/** A CA this mount can sign with (Vault ≥ 1.11 calls it an issuer). */
export interface PkiIssuer {
  id: string;
  keyId: string;
  name: string;
  pair: PkiKeyPair;
  certificate: x509.X509Certificate;
  /** PEM without a trailing newline, as Vault's JSON answers carry it. */
  pem: string;
  serialNumber: string;
  notAfterMs: number;
  leafNotAfterBehavior: LeafNotAfterBehavior;
}

export const CN_REQUIRED =
  'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false';

/** POST `root/generate/:type`: a self-signed CA with Vault's extensions; TTL capped by the mount. */
export async function generateRoot(
  fields: FieldData,
  nowMs: number,
  mount: MountTtl,
): Promise<{ issuer: PkiIssuer; warnings: string[] }> {
  const commonName = fields.string('common_name');
  if (commonName === '') throw badRequest(CN_REQUIRED);
  const keyType = fields.string('key_type', 'rsa');
  if (keyType === 'any') throw badRequest('unknown key type any');
  const keyBits = defaultKeyBits(keyType, fields.int('key_bits', 0));
  validateKeyType(keyType, keyBits);
  const { notAfterMs, warnings } = certificateNotAfter({
    nowMs,
    requestTtlSeconds: fields.durationSeconds('ttl'),
    roleTtlSeconds: 0,
    roleMaxTtlSeconds: 0,
    mount,
  });
  const pair = await generateKeyPair(keyType as PkiKeyType, keyBits);
  const serial = randomSerial();
  const notBeforeMs =
    Math.floor(nowMs / 1000) * 1000 - fields.durationSeconds('not_before_duration', 30) * 1000;
  const certificate = await selfSign(commonName, pair, serial.hex, notBeforeMs, notAfterMs);
  const issuer: PkiIssuer = {
    id: randomUUID(),
    keyId: randomUUID(),
    name: fields.string('issuer_name'),
    pair,
    certificate,
    pem: certificate.toString('pem').trim(),
    serialNumber: serial.formatted,
    notAfterMs,
    leafNotAfterBehavior: 'err',
  };
  return { issuer, warnings };
}

/** A self-signed CA certificate with Vault's root extensions (CA, certSign + cRLSign, SKID). */
async function selfSign(
  commonName: string,
  pair: PkiKeyPair,
  serialHex: string,
  notBeforeMs: number,
  notAfterMs: number,
): Promise<x509.X509Certificate> {
  const san = isHostname(commonName)
    ? [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: commonName }])]
    : [];
  return await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialHex,
    name: [{ CN: [commonName] }],
    notBefore: new Date(notBeforeMs),
    notAfter: new Date(notAfterMs),
    keys: pair.keys,
    signingAlgorithm: signingAlgorithm(pair),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(pair.keys.publicKey),
      ...san,
    ],
  });
}

/** The `data` of a root generation answer; `exported` adds the CA's private key. */
export function rootResponse(issuer: PkiIssuer, exported: boolean): Record<string, unknown> {
  return {
    certificate: issuer.pem,
    expiration: Math.floor(issuer.notAfterMs / 1000),
    issuer_id: issuer.id,
    issuer_name: issuer.name,
    issuing_ca: issuer.pem,
    key_id: issuer.keyId,
    key_name: '',
    ...(exported
      ? { private_key: privateKeyPem(issuer.pair, 'der'), private_key_type: issuer.pair.type }
      : {}),
    serial_number: issuer.serialNumber,
  };
}
