/** What went wrong below HTTP; `tls-untrusted` and `tls` are configuration problems. */
export type TransportFailure =
  | 'refused'
  | 'dns'
  | 'unreachable'
  | 'reset'
  | 'timeout'
  | 'tls-untrusted'
  | 'tls'
  | 'protocol'
  | 'other';

/** Certificate verification failures (OpenSSL's X509_V_ERR_* names and Node's own). */
const untrustedCodes = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const kindByCode: Record<string, TransportFailure> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  ERR_STREAM_PREMATURE_CLOSE: 'reset',
  ETIMEDOUT: 'timeout',
  EPROTO: 'tls',
};

/** Sorts a Node error code into a failure kind. */
export function classifyTransportCode(code: string | undefined): TransportFailure {
  if (code === undefined) return 'other';
  if (untrustedCodes.has(code)) return 'tls-untrusted';
  const known = kindByCode[code];
  if (known) return known;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'tls';
  if (code.startsWith('HPE_')) return 'protocol';
  return 'other';
}

/** What each kind means for the operator, with the setting that usually fixes it. */
export const transportExplanation: Record<TransportFailure, string> = {
  refused: 'connection refused — is Vault listening at that address?',
  dns: 'the host name did not resolve',
  unreachable: 'the host or network is unreachable',
  reset: 'the connection was closed before the answer arrived',
  timeout: 'no answer in time',
  'tls-untrusted':
    "Vault's TLS certificate was not trusted; set VAULT_CACERT (vault.tls.ca_cert) to the CA that signed it, or VAULT_TLS_SERVER_NAME (vault.tls.server_name) to a name the certificate covers",
  tls: 'the TLS handshake failed (http:// vs https://, or a client certificate required or refused?)',
  protocol: 'the answer was not HTTP — is that address really Vault?',
  other: 'the request failed',
};
