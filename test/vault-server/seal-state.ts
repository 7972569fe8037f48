import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { VaultHttpError } from './backend.ts';

export interface InitResult {
  keysHex: string[];
  keysBase64: string[];
}

/** Vault's SealConfig.Validate texts, behind core.Initialize's prefix. */
function validateConfig(shares: number, threshold: number): void {
  const problem =
    shares < 1
      ? 'shares must be at least one'
      : threshold < 1
        ? 'threshold must be at least one'
        : shares > 1 && threshold === 1
          ? 'threshold must be greater than one for multiple shares'
          : shares > 255
            ? 'shares must be less than 256'
            : threshold > shares
              ? 'threshold cannot be larger than shares'
              : null;
  if (problem) throw new VaultHttpError(400, [`invalid seal configuration: ${problem}`]);
}

/** Decodes an unseal key given as hex or base64, as sys/unseal accepts it. */
export function decodeUnsealKey(key: string): Uint8Array {
  // Plain Uint8Arrays: shamir-secret-sharing refuses Buffer subclasses.
  if (/^[0-9a-fA-F]+$/.test(key) && key.length % 2 === 0)
    return new Uint8Array(Buffer.from(key, 'hex'));
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(key) && key.length % 4 === 0)
    return new Uint8Array(Buffer.from(key, 'base64'));
  throw new VaultHttpError(400, ["'key' must be a valid hex or base64 string"]);
}

/**
 * Shamir seal: a random 32-byte root key split into shares (a single share is the key itself,
 * as in Vault). Unsealing collects shares until the threshold and checks the combination.
 */
export class SealState {
  initialized = false;
  sealed = true;
  shares = 0;
  threshold = 0;
  #rootKey: Uint8Array | null = null;
  #parts: Uint8Array[] = [];
  nonce = '';

  get progress(): number {
    return this.#parts.length;
  }

  async initialize(shares: number, threshold: number): Promise<InitResult> {
    if (this.initialized) throw new VaultHttpError(400, ['Vault is already initialized']);
    validateConfig(shares, threshold);
    const rootKey = new Uint8Array(randomBytes(32));
    const parts = shares === 1 ? [rootKey] : await split(rootKey, shares, threshold);
    this.#rootKey = rootKey;
    this.shares = shares;
    this.threshold = threshold;
    this.initialized = true;
    this.sealed = true;
    this.resetProgress();
    return {
      keysHex: parts.map((p) => Buffer.from(p).toString('hex')),
      keysBase64: parts.map((p) => Buffer.from(p).toString('base64')),
    };
  }

  resetProgress(): void {
    this.#parts = [];
    this.nonce = '';
  }

  /** Adds one share; unseals at the threshold or throws Vault's invalid-key error. */
  async submit(key: Uint8Array): Promise<void> {
    if (!this.initialized) throw new VaultHttpError(400, ['Vault is not initialized']);
    if (!this.sealed) return;
    if (key.length < 16)
      throw new VaultHttpError(400, ['invalid key: key is shorter than minimum 16 bytes']);
    if (key.length > 33)
      throw new VaultHttpError(400, ['invalid key: key is longer than maximum 33 bytes']);
    // A share already given is ignored, as Vault does.
    if (this.#parts.some((p) => p.length === key.length && timingSafeEqual(p, key))) return;
    this.#parts.push(key);
    if (this.nonce === '') this.nonce = randomUUID();
    if (this.#parts.length < this.threshold) return;
    const parts = this.#parts;
    this.resetProgress();
    let combined: Uint8Array | null = null;
    try {
      combined = this.threshold === 1 ? (parts[0] as Uint8Array) : await combine(parts);
    } catch {
      combined = null;
    }
    const rootKey = this.#rootKey as Uint8Array;
    if (!combined || combined.length !== rootKey.length || !timingSafeEqual(combined, rootKey)) {
      throw new VaultHttpError(400, ['Unseal failed, invalid key']);
    }
    this.sealed = false;
  }

  seal(): void {
    if (!this.initialized) return;
    this.sealed = true;
    this.resetProgress();
  }

  /** Test control: unseal without shares (the server still holds the root key). */
  forceUnseal(): void {
    if (!this.initialized) throw new Error('cannot unseal an uninitialized test server');
    this.sealed = false;
    this.resetProgress();
  }
}
