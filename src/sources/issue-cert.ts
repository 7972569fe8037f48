import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { CertConfig } from '../config/config-types.ts';
import { AuthError, VaultDataError } from '../errors/keyturn-error.ts';
import type { Redactor } from '../log/redactor.ts';
import type { VaultClient } from '../vault/client.ts';
import { VaultResponseError } from '../vault/errors.ts';
import type { Retrier } from '../vault/retrier.ts';
import { type Lease, leaseOf } from './read-secret.ts';

/** What `<mount>/issue/<role>` is asked for: the request part of a configured certificate. */
export type CertRequest = Pick<
  CertConfig,
  'mount' | 'role' | 'commonName' | 'altNames' | 'ipSans' | 'ttlMs' | 'keyType'
>;

/** A certificate set as Vault issued it, checked before anything is written. */
export interface IssuedCert {
  certificate: string;
  privateKey: string;
  issuingCa: string;
  caChain: string[];
  serialNumber: string;
  notAfterMs: number;
  notBeforeMs: number;
  lease?: Lease;
}

interface IssueAnswer {
  certificate?: string;
  private_key?: string;
  private_key_type?: string;
  issuing_ca?: string;
  ca_chain?: string[] | null;
  serial_number?: string;
}

/** Issues a certificate from `<mount>/issue/<role>` (a fresh key pair each time). */
export async function issueCert(
  request: CertRequest,
  deps: { client: VaultClient; retrier: Retrier; token: string; redactor: Redactor },
): Promise<IssuedCert> {
  const where = `${request.mount}/issue/${request.role}`;
  const response = await deps.retrier
    .idempotent(`issue ${where}`, () =>
      deps.client.request<IssueAnswer>('POST', where, {
        token: deps.token,
        body: {
          common_name: request.commonName,
          alt_names: request.altNames.join(','),
          ip_sans: request.ipSans.join(','),
          ...(request.ttlMs ? { ttl: `${Math.ceil(request.ttlMs / 1000)}s` } : {}),
          format: 'pem',
        },
      }),
    )
    .catch((error: unknown) => explainIssueFailure(error, where));
  const data = response?.data;
  if (data?.private_key) deps.redactor.add(data.private_key);
  if (!data?.certificate || !data.private_key || !data.issuing_ca) {
    throw new VaultDataError(`${where}: the answer lacks certificate, private_key or issuing_ca`);
  }
  if (data.private_key_type && data.private_key_type !== request.keyType) {
    throw new VaultDataError(
      `${where} issued a key of type ${data.private_key_type}, but key_type ${request.keyType} ` +
        "is configured; set key_type to match the role's key_type (Vault's issue endpoint " +
        'takes the key type from the role)',
    );
  }
  const cert = parseCertificate(data.certificate, where);
  if (!cert.checkPrivateKey(privateKeyObject(data.private_key, where))) {
    throw new VaultDataError(`${where}: the issued certificate does not match its private key`);
  }
  return {
    certificate: data.certificate,
    privateKey: data.private_key,
    issuingCa: data.issuing_ca,
    caChain: data.ca_chain ?? [],
    serialNumber: data.serial_number ?? cert.serialNumber,
    notAfterMs: Date.parse(cert.validTo),
    notBeforeMs: Date.parse(cert.validFrom),
    lease: response && leaseOf(response),
  };
}

/** A 403 is the policy, a 400 the role refusing what was asked; anything else as it came. */
function explainIssueFailure(error: unknown, where: string): never {
  if (error instanceof VaultResponseError && error.status === 403) {
    throw new AuthError(`permission denied issuing a certificate from ${where}`, {
      cause: error,
    });
  }
  if (error instanceof VaultResponseError && error.status === 400) {
    throw new VaultDataError(`${where} refused the request: ${error.errors.join('; ')}`, {
      cause: error,
    });
  }
  throw error;
}

function parseCertificate(pem: string, where: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new VaultDataError(`${where}: not a valid PEM certificate`, { cause: error });
  }
}

function privateKeyObject(pem: string, where: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    // The parser's message could quote key material: keep only its code.
    throw new VaultDataError(`${where}: the private key is not valid PEM`, {
      details: { reason: (error as { code?: string }).code },
    });
  }
}
