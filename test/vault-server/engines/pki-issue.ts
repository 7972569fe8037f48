import { isIP } from 'node:net';
import { badRequest } from './engine-errors.ts';
import type { FieldData } from './field-data.ts';
import { CN_REQUIRED, type PkiIssuer } from './pki-issuer.ts';
import { generateKeyPair, type PkiKeyType, signingAlgorithm } from './pki-keys.ts';
import { firstDisallowedName, isHostname } from './pki-names.ts';
import type { PkiRole } from './pki-role.ts';
import * as x509 from './x509.ts';

/** The names a certificate will carry, after Vault's role checks. */
export interface CertNames {
  commonName: string;
  dnsNames: string[];
  emails: string[];
  ips: string[];
}

/** `alt_names` is a comma string in Vault; an array is taken too. Deduplicated and sorted. */
function altNames(fields: FieldData): string[] {
  return [...new Set(fields.commaStrings('alt_names'))].sort();
}

/** Vault's `GenerateCreationBundle` name handling: CN into the SANs, then every role check. */
export function certNames(role: PkiRole, fields: FieldData): CertNames {
  const commonName = fields.string('common_name');
  if (commonName === '' && role.requireCn) throw badRequest(CN_REQUIRED);
  const dnsNames: string[] = [];
  const emails: string[] = [];
  if (commonName !== '' && !fields.bool('exclude_cn_from_sans', false)) {
    if (commonName.includes('@')) emails.push(commonName);
    else if (isHostname(commonName)) dnsNames.push(commonName);
  }
  for (const name of altNames(fields)) {
    if (name.includes('@')) emails.push(name);
    else if (isHostname(name)) dnsNames.push(name);
    else {
      throw badRequest(
        `subject alternate name ${name} is not a valid DNS name and cannot be included as a SAN`,
      );
    }
  }
  if (commonName !== '' && firstDisallowedName(role, [commonName]) !== undefined) {
    throw badRequest(`common name ${commonName} not allowed by this role`);
  }
  const badDns = firstDisallowedName(role, dnsNames);
  if (badDns !== undefined)
    throw badRequest(`subject alternate name ${badDns} not allowed by this role`);
  const badEmail = firstDisallowedName(role, emails);
  if (badEmail !== undefined)
    throw badRequest(`email address ${badEmail} not allowed by this role`);
  return {
    commonName,
    dnsNames: [...new Set(dnsNames)],
    emails: [...new Set(emails)],
    ips: ipSans(role, fields),
  };
}

function ipSans(role: PkiRole, fields: FieldData): string[] {
  const ips = fields.commaStrings('ip_sans');
  if (ips.length === 0) return [];
  if (!role.allowIpSans) {
    // Go prints a []string with %s as `[a b]`.
    throw badRequest(
      `IP Subject Alternative Names are not allowed in this role, but was provided [${ips.join(' ')}]`,
    );
  }
  for (const ip of ips) {
    if (isIP(ip) === 0) throw badRequest(`the value "${ip}" is not a valid IP address`);
  }
  return ips;
}

const KEY_USAGE_FLAGS: Record<string, number> = {
  digitalsignature: x509.KeyUsageFlags.digitalSignature,
  contentcommitment: x509.KeyUsageFlags.nonRepudiation,
  keyencipherment: x509.KeyUsageFlags.keyEncipherment,
  dataencipherment: x509.KeyUsageFlags.dataEncipherment,
  keyagreement: x509.KeyUsageFlags.keyAgreement,
  certsign: x509.KeyUsageFlags.keyCertSign,
  crlsign: x509.KeyUsageFlags.cRLSign,
};

function leafExtensions(role: PkiRole, names: CertNames): x509.Extension[] {
  const usage = role.keyUsage.reduce(
    (flags, name) => flags | (KEY_USAGE_FLAGS[name.toLowerCase()] ?? 0),
    0,
  );
  const extensions: x509.Extension[] = [];
  if (usage !== 0) extensions.push(new x509.KeyUsagesExtension(usage, true));
  const eku = [
    ...(role.serverFlag ? [x509.ExtendedKeyUsage.serverAuth] : []),
    ...(role.clientFlag ? [x509.ExtendedKeyUsage.clientAuth] : []),
  ];
  if (eku.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(eku));
  const sans: x509.JsonGeneralName[] = [
    ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...names.emails.map((value) => ({ type: 'email' as const, value })),
    ...names.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  return extensions;
}

/** Subject RDNs in Go's order (O, OU, then CN). */
function subjectName(role: PkiRole, commonName: string): x509.JsonName {
  const name: x509.JsonName = [];
  if (role.organization.length > 0) name.push({ O: role.organization });
  if (role.ou.length > 0) name.push({ OU: role.ou });
  if (commonName !== '') name.push({ CN: [commonName] });
  return name;
}

export interface LeafRequest {
  role: PkiRole;
  issuer: PkiIssuer;
  names: CertNames;
  serialHex: string;
  nowMs: number;
  notAfterMs: number;
}

/** A fresh key pair of the role's type and a certificate for it signed by the issuer. */
export async function signLeaf(request: LeafRequest) {
  const { role, issuer, names } = request;
  const pair = await generateKeyPair(role.keyType as PkiKeyType, role.keyBits);
  const notBeforeMs =
    Math.floor(request.nowMs / 1000) * 1000 - role.notBeforeDurationSeconds * 1000;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: request.serialHex,
    subject: subjectName(role, names.commonName),
    issuer: issuer.certificate.subjectName,
    notBefore: new Date(notBeforeMs),
    notAfter: new Date(request.notAfterMs),
    publicKey: pair.keys.publicKey,
    signingKey: issuer.pair.keys.privateKey,
    signingAlgorithm: signingAlgorithm(issuer.pair),
    extensions: [
      ...leafExtensions(role, names),
      await x509.SubjectKeyIdentifierExtension.create(pair.keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.pair.keys.publicKey),
    ],
  });
  return { pair, certificate };
}
