import { badRequest } from './engine-errors.ts';
import type { FieldData } from './field-data.ts';
import type { PkiIssuer } from './pki-issuer.ts';
import type { LeafNotAfterBehavior } from './pki-not-after.ts';

const BEHAVIORS: readonly string[] = ['err', 'truncate', 'permit'];

/** POST `issuer/:ref`: the settings tests need (`leaf_not_after_behavior`, `issuer_name`). */
export function updateIssuer(issuer: PkiIssuer, fields: FieldData): void {
  const behavior = fields.string('leaf_not_after_behavior', issuer.leafNotAfterBehavior);
  if (!BEHAVIORS.includes(behavior)) {
    throw badRequest(`Unknown value for field \`leaf_not_after_behavior\`: ${behavior}`);
  }
  issuer.leafNotAfterBehavior = behavior as LeafNotAfterBehavior;
  issuer.name = fields.string('issuer_name', issuer.name);
}

/** GET `issuer/:ref`: a subset of Vault's issuer fields. */
export function issuerResponse(issuer: PkiIssuer): Record<string, unknown> {
  return {
    ca_chain: [issuer.pem],
    certificate: issuer.pem,
    issuer_id: issuer.id,
    issuer_name: issuer.name,
    key_id: issuer.keyId,
    leaf_not_after_behavior: issuer.leafNotAfterBehavior,
  };
}
