import { randomUUID, timingSafeEqual } from 'node:crypto';
import { VaultHttpError } from './backend.ts';
import { goBase64Decode, goHexDecode } from './go-base64.ts';
import type { ShamirBarrier } from './shamir-barrier.ts';

/** Vault's barrier key bounds: AES-128..256, plus one byte of Shamir share overhead. */
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 33;

/**
 * Decodes an unseal key as http/sys_seal.go does: hex first, and base64 when that fails or gives
 * a length outside the key bounds (so a base64 key that is also valid hex still works).
 */
export function decodeUnsealKey(key: string): Uint8Array {
  const hex = goHexDecode(key);
  if (hex && hex.length >= MIN_KEY_BYTES && hex.length <= MAX_KEY_BYTES) return hex;
  try {
    // Plain Uint8Arrays: shamir-secret-sharing refuses Buffer subclasses.
    return new Uint8Array(goBase64Decode(key));
  } catch {
    throw new VaultHttpError(400, ["'key' must be a valid hex or base64 string"]);
  }
}

/**
 * One node's seal: sealed or not, and the shares given so far. The seal configuration and root
 * key are the cluster's (ShamirBarrier), so every node of a cluster unseals with the same shares.
 */
export class SealState {
  readonly barrier: ShamirBarrier;
  sealed = true;
  #parts: Uint8Array[] = [];
  #generation = 0;
  nonce = '';

  constructor(barrier: ShamirBarrier) {
    this.barrier = barrier;
  }

  get initialized(): boolean {
    return this.barrier.initialized;
  }

  get shares(): number {
    return this.barrier.shares;
  }

  get threshold(): number {
    return this.barrier.threshold;
  }

  get progress(): number {
    this.#dropStale();
    return this.#parts.length;
  }

  /** A new init makes the shares collected against the old seal meaningless. */
  #dropStale(): void {
    if (this.#generation === this.barrier.generation) return;
    this.#generation = this.barrier.generation;
    this.resetProgress();
  }

  resetProgress(): void {
    this.#parts = [];
    this.nonce = '';
  }

  /**
   * Adds one share (core.Unseal's order: initialised, key length, already unsealed, duplicate);
   * true when this share unsealed the node, Vault's invalid-key error when the shares are wrong.
   */
  async submit(key: Uint8Array): Promise<boolean> {
    if (!this.initialized) throw new VaultHttpError(400, ['Vault is not initialized']);
    if (key.length < MIN_KEY_BYTES)
      throw new VaultHttpError(400, ['invalid key: key is shorter than minimum 16 bytes']);
    if (key.length > MAX_KEY_BYTES)
      throw new VaultHttpError(400, ['invalid key: key is longer than maximum 33 bytes']);
    if (!this.sealed) return false;
    this.#dropStale();
    // A share already given is ignored, as Vault does.
    if (this.#parts.some((p) => p.length === key.length && timingSafeEqual(p, key))) return false;
    this.#parts.push(key);
    if (this.nonce === '') this.nonce = randomUUID();
    if (this.#parts.length < this.threshold) return false;
    const parts = this.#parts;
    this.resetProgress();
    if (!(await this.barrier.opens(parts)))
      throw new VaultHttpError(400, ['Unseal failed, invalid key']);
    this.sealed = false;
    return true;
  }

  seal(): void {
    this.sealed = true;
    this.resetProgress();
  }

  /** Test control: unseal without shares (the test server holds the root key). */
  forceUnseal(): void {
    if (!this.initialized) throw new Error('cannot unseal an uninitialized test server');
    this.sealed = false;
    this.resetProgress();
  }
}
