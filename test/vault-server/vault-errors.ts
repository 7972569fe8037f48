import { VaultHttpError } from './backend.ts';

/** Vault's hashicorp/go-multierror text, which is how core request errors reach the wire. */
export function multierrorText(errors: string[]): string {
  const head = errors.length === 1 ? '1 error occurred:' : `${errors.length} errors occurred:`;
  return `${head}\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}

/** 403 for an ACL denial (or no token at all). */
export function permissionDenied(): VaultHttpError {
  return new VaultHttpError(403, [multierrorText(['permission denied'])]);
}

/** 403 for an unknown, expired, revoked or used-up token: clients re-login on `invalid token`. */
export function invalidToken(): VaultHttpError {
  return new VaultHttpError(403, [multierrorText(['permission denied', 'invalid token'])]);
}

export const SEALED_TEXT = 'Vault is sealed';
