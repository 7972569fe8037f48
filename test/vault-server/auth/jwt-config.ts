import { VaultHttpError } from '../backend.ts';
import type { FieldData } from '../engines/field-data.ts';
import { ALL_ALGS } from './jws.ts';
import type { JwtBackend, JwtConfig } from './jwt-backend.ts';
import type { KeySet } from './jwt-validator.ts';
import { staticKeySet } from './key-sets.ts';
import { parseAnyPublicKeyPem } from './public-key-pem.ts';
import { discoveryKeySet, jwksUrlWorks, RemoteKeySet } from './remote-key-set.ts';

function fail(text: string): never {
  throw new VaultHttpError(400, [text]);
}

function readConfig(fields: FieldData, existing: JwtConfig | null): JwtConfig {
  return {
    jwtValidationPubkeys: fields.commaStrings('jwt_validation_pubkeys'),
    parsedPubkeys: [],
    jwksUrl: fields.string('jwks_url'),
    jwksCaPem: fields.string('jwks_ca_pem'),
    oidcDiscoveryUrl: fields.string('oidc_discovery_url'),
    oidcDiscoveryCaPem: fields.string('oidc_discovery_ca_pem'),
    oidcClientId: fields.string('oidc_client_id'),
    oidcClientSecret: fields.string('oidc_client_secret'),
    boundIssuer: fields.string('bound_issuer'),
    defaultRole: fields.string('default_role'),
    jwtSupportedAlgs: fields.commaStrings('jwt_supported_algs'),
    namespaceInState: fields.bool('namespace_in_state', existing?.namespaceInState ?? true),
  };
}

/** `jwks_pairs` (several JWKS URLs) is counted for the exactly-one rule but not served here. */
function pairsGiven(fields: FieldData): boolean {
  const raw = fields.raw('jwks_pairs');
  return Array.isArray(raw) ? raw.length > 0 : raw !== undefined && raw !== null && raw !== '';
}

/** The key-source checks of pathConfigWrite's switch, first match wins. */
async function checkKeySource(c: JwtConfig, pairs: boolean): Promise<void> {
  const count = [
    c.oidcDiscoveryUrl !== '',
    c.jwtValidationPubkeys.length > 0,
    c.jwksUrl !== '',
    pairs,
  ];
  if (count.filter(Boolean).length !== 1) {
    fail(
      "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set",
    );
  }
  if ((c.oidcClientId === '') !== (c.oidcClientSecret === ''))
    fail("both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC");
  if (c.oidcDiscoveryUrl !== '') {
    // Why fetched now: Vault refuses a discovery URL it cannot read at config time.
    await discoveryKeySet(c.oidcDiscoveryUrl).catch(() =>
      fail('error checking oidc discovery URL'),
    );
  } else if (c.oidcClientId !== '') fail("'oidc_discovery_url' must be set for OIDC");
  else if (c.jwksUrl !== '') {
    if (!(await jwksUrlWorks(c.jwksUrl))) fail(`error checking jwks URL ${c.jwksUrl}`);
  } else if (pairs) fail("invalid jwks_pairs: not supported by keyturn's test server");
  else {
    c.parsedPubkeys = c.jwtValidationPubkeys.map((pem) => {
      try {
        return parseAnyPublicKeyPem(pem);
      } catch (error) {
        return fail(`error parsing public key: ${(error as Error).message}`);
      }
    });
  }
}

/** POST auth/<mount>/config (path_config.go pathConfigWrite): replaces the whole config. */
export async function writeJwtConfig(backend: JwtBackend, fields: FieldData): Promise<void> {
  const config = readConfig(fields, backend.config);
  await checkKeySource(config, pairsGiven(fields));
  const unsupported = config.jwtSupportedAlgs.find((alg) => !ALL_ALGS.includes(alg));
  if (unsupported !== undefined)
    fail(
      `invalid jwt_supported_algs: unsupported signing algorithm ${JSON.stringify(unsupported)}`,
    );
  backend.config = config;
  backend.keySet = null;
}

/**
 * The plugin's jwtValidator(): built at the first login after a config write and kept; for a
 * discovery URL that means fetching the discovery document again then.
 */
export async function validatorKeySet(backend: JwtBackend, config: JwtConfig): Promise<KeySet> {
  if (backend.keySet) return backend.keySet;
  if (config.parsedPubkeys.length > 0) backend.keySet = staticKeySet(config.parsedPubkeys);
  else if (config.jwksUrl !== '') backend.keySet = new RemoteKeySet(config.jwksUrl);
  else {
    try {
      backend.keySet = await discoveryKeySet(config.oidcDiscoveryUrl);
    } catch (error) {
      fail(
        `error configuring token validator: keyset configuration error: ${(error as Error).message}`,
      );
    }
  }
  return backend.keySet;
}

/** GET auth/<mount>/config (the client secret is never shown). */
export function jwtConfigData(c: JwtConfig): Record<string, unknown> {
  return {
    bound_issuer: c.boundIssuer,
    default_role: c.defaultRole,
    jwks_ca_pem: c.jwksCaPem,
    jwks_pairs: [],
    jwks_url: c.jwksUrl,
    jwt_supported_algs: c.jwtSupportedAlgs,
    jwt_validation_pubkeys: c.jwtValidationPubkeys,
    namespace_in_state: c.namespaceInState,
    oidc_client_id: c.oidcClientId,
    oidc_discovery_ca_pem: c.oidcDiscoveryCaPem,
    oidc_discovery_url: c.oidcDiscoveryUrl,
    oidc_response_mode: '',
    oidc_response_types: [],
    provider_config: {},
    unsupported_critical_cert_extensions: [],
  };
}
