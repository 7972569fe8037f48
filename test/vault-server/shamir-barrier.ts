import { randomBytes, timingSafeEqual } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { VaultHttpError } from './backend.ts';

/** Vault's SealConfig.Validate texts, behind core.Initialize's prefix. */
export function validateSealConfig(shares: number, threshold: number): void {
  const problem =
    shares < 1
      ? 'shares must be at least one'
      : threshold < 1
        ? 'threshold must be at least one'
        : shares > 1 && threshold === 1
          ? 'threshold must be greater than one for multiple shares'
          : shares > 255
            ? 'shares must be less than 256'
            : threshold > 255
              ? 'threshold must be less than 256'
              : threshold > shares
                ? 'threshold cannot be larger than shares'
                : null;
  if (problem) throw new VaultHttpError(400, [`invalid seal configuration: ${problem}`]);
}

/**
 * The cluster's barrier: the seal configuration and the random 32-byte root key, kept in the
 * storage every node shares. Each node unseals itself by handing shares to its own SealState.
 */
export class ShamirBarrier {
  initialized = false;
  shares = 0;
  threshold = 0;
  #rootKey: Uint8Array | null = null;
  /** Bumped at every init, so nodes drop unseal progress made against an older seal. */
  generation = 0;

  /**
   * Splits a new root key into raw shares (a single share is the key itself, as in Vault);
   * nothing changes until `commit()`, so a failure in between leaves Vault uninitialised.
   */
  async generate(
    shares: number,
    threshold: number,
  ): Promise<{ parts: Uint8Array[]; commit(): void }> {
    const rootKey = new Uint8Array(randomBytes(32));
    const parts = shares === 1 ? [rootKey] : await split(rootKey, shares, threshold);
    const commit = () => {
      this.#rootKey = rootKey;
      this.shares = shares;
      this.threshold = threshold;
      this.initialized = true;
      this.generation += 1;
    };
    return { parts, commit };
  }

  /** generate() and commit() at once (test setup). */
  async initialize(shares: number, threshold: number): Promise<Uint8Array[]> {
    const { parts, commit } = await this.generate(shares, threshold);
    commit();
    return parts;
  }

  /** Do these shares rebuild the root key? */
  async opens(parts: Uint8Array[]): Promise<boolean> {
    const rootKey = this.#rootKey;
    if (!rootKey) return false;
    let combined: Uint8Array;
    try {
      combined = this.threshold === 1 ? (parts[0] as Uint8Array) : await combine(parts);
    } catch {
      return false;
    }
    return combined.length === rootKey.length && timingSafeEqual(combined, rootKey);
  }
}
