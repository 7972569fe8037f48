import { existsSync } from 'node:fs';
import { VaultHttpError } from '../backend.ts';
import type { FieldData } from '../engines/field-data.ts';
import type { KubernetesBackend, KubernetesConfig } from './kubernetes-backend.ts';
import { parseRsaOrEcKeyPem } from './public-key-pem.ts';

/** Where a pod finds its cluster CA; real Vault reads it when no `kubernetes_ca_cert` is given. */
export const LOCAL_CA_CERT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

function fail(text: string): never {
  throw new VaultHttpError(400, [text]);
}

/** pem.Decode finds at least one block (path_config.go's hasCerts). */
function hasPemBlock(text: string): boolean {
  return /-----BEGIN ([^-\r\n]+)-----[\s\S]*?-----END \1-----/.test(text);
}

/**
 * POST auth/<mount>/config (path_config.go pathConfigWrite): every field is replaced on each
 * write; `disable_iss_validation` defaults to true, `disable_local_ca_jwt` to false.
 */
export function writeKubernetesConfig(backend: KubernetesBackend, fields: FieldData): void {
  const host = fields.string('kubernetes_host');
  if (host === '') fail('no host provided');
  const caCert = fields.string('kubernetes_ca_cert');
  if (caCert !== '' && !hasPemBlock(caCert))
    fail('The provided CA PEM data contains no valid certificates');
  const pemKeys = fields.commaStrings('pem_keys');
  const publicKeys = pemKeys.map((pem) => {
    try {
      return parseRsaOrEcKeyPem(pem);
    } catch (error) {
      return fail((error as Error).message);
    }
  });
  const disableLocalCaJwt = fields.bool('disable_local_ca_jwt', false);
  // updateTLSConfig: outside a pod the local CA file is missing, and Vault says so.
  if (caCert === '' && !disableLocalCaJwt && !existsSync(LOCAL_CA_CERT_PATH))
    fail(`open ${LOCAL_CA_CERT_PATH}: no such file or directory`);
  backend.config = {
    host,
    caCert,
    tokenReviewerJwt: fields.string('token_reviewer_jwt'),
    pemKeys,
    publicKeys,
    issuer: fields.string('issuer'),
    disableIssValidation: fields.bool('disable_iss_validation', true),
    disableLocalCaJwt,
    useAnnotationsAsAliasMetadata: fields.bool('use_annotations_as_alias_metadata', false),
  };
}

/** GET auth/<mount>/config: the reviewer JWT is never shown, only whether it is set. */
export function kubernetesConfigData(config: KubernetesConfig): Record<string, unknown> {
  return {
    disable_iss_validation: config.disableIssValidation,
    disable_local_ca_jwt: config.disableLocalCaJwt,
    issuer: config.issuer,
    kubernetes_ca_cert: config.caCert,
    kubernetes_host: config.host,
    pem_keys: config.pemKeys,
    token_reviewer_jwt_set: config.tokenReviewerJwt !== '',
    use_annotations_as_alias_metadata: config.useAnnotationsAsAliasMetadata,
  };
}
