import { KeyObject, webcrypto } from 'node:crypto';
import { badRequest } from './engine-errors.ts';

export type PkiKeyType = 'rsa' | 'ec' | 'ed25519';

export interface PkiKeyPair {
  type: PkiKeyType;
  bits: number;
  keys: webcrypto.CryptoKeyPair;
}

const EC_CURVES: Record<number, string> = { 256: 'P-256', 384: 'P-384', 521: 'P-521' };
const EC_HASHES: Record<number, string> = { 256: 'SHA-256', 384: 'SHA-384', 521: 'SHA-512' };

/** Vault's default `key_bits` per key type (0 means "pick the default"). */
export function defaultKeyBits(type: string, bits: number): number {
  if (bits !== 0) return bits;
  if (type === 'rsa') return 2048;
  if (type === 'ec') return 256;
  return 0;
}

/** Checks a role's or root's key type and size the way Vault's `ValidateKeyTypeLength` does. */
export function validateKeyType(type: string, bits: number): void {
  if (type === 'any' || type === 'ed25519') return;
  if (type === 'rsa') {
    if (bits < 2048)
      throw badRequest(`RSA keys < 2048 bits are unsafe and not supported: got ${bits}`);
    if (![2048, 3072, 4096, 8192].includes(bits)) {
      throw badRequest(`unsupported bit length for RSA key: ${bits}`);
    }
    return;
  }
  if (type === 'ec') {
    // Divergence: webcrypto has no P-224, so 224 is refused here although Vault takes it.
    if (!EC_CURVES[bits]) throw badRequest(`unsupported bit length for EC key: ${bits}`);
    return;
  }
  throw badRequest(`unknown key type ${type}`);
}

/** A fresh extractable key pair (webcrypto, so @peculiar/x509 can sign with it). */
export async function generateKeyPair(type: PkiKeyType, bits: number): Promise<PkiKeyPair> {
  const usages: webcrypto.KeyUsage[] = ['sign', 'verify'];
  const subtle = webcrypto.subtle;
  if (type === 'rsa') {
    const algorithm = {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    };
    return { type, bits, keys: await subtle.generateKey(algorithm, true, usages) };
  }
  if (type === 'ec') {
    const algorithm = { name: 'ECDSA', namedCurve: EC_CURVES[bits] ?? 'P-256' };
    return { type, bits, keys: await subtle.generateKey(algorithm, true, usages) };
  }
  // Why: Ed25519's generateKey overload is typed as "key or pair"; it always yields a pair.
  const keys = (await subtle.generateKey({ name: 'Ed25519' }, true, usages)) as unknown;
  return { type, bits, keys: keys as webcrypto.CryptoKeyPair };
}

/** The signature algorithm a CA of this key uses (SHA-256 for RSA, curve-sized hash for EC). */
export function signingAlgorithm(pair: PkiKeyPair): webcrypto.Algorithm | webcrypto.EcdsaParams {
  if (pair.type === 'rsa')
    return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as webcrypto.Algorithm;
  if (pair.type === 'ec') return { name: 'ECDSA', hash: EC_HASHES[pair.bits] ?? 'SHA-256' };
  return { name: 'Ed25519' };
}

/**
 * The private key as Vault returns it: by default in the key's own DER form ("RSA PRIVATE
 * KEY" PKCS#1, "EC PRIVATE KEY" SEC1; Ed25519 only has PKCS#8), or PKCS#8 when asked.
 */
export function privateKeyPem(pair: PkiKeyPair, format: 'der' | 'pkcs8'): string {
  const key = KeyObject.from(pair.keys.privateKey);
  return String(key.export({ format: 'pem', type: encoding(pair, format) })).trim();
}

/** The same key as base64 DER, for `format=der`. */
export function privateKeyDer(pair: PkiKeyPair, format: 'der' | 'pkcs8'): string {
  const key = KeyObject.from(pair.keys.privateKey);
  return Buffer.from(key.export({ format: 'der', type: encoding(pair, format) })).toString(
    'base64',
  );
}

function encoding(pair: PkiKeyPair, format: 'der' | 'pkcs8'): 'pkcs8' | 'pkcs1' | 'sec1' {
  if (format === 'pkcs8' || pair.type === 'ed25519') return 'pkcs8';
  return pair.type === 'rsa' ? 'pkcs1' : 'sec1';
}
