import { VaultHttpError } from './backend.ts';
import { rfc3339Nano } from './go-duration.ts';
import type { TokenStore } from './token-store.ts';
import type { WrapInfo } from './wire-response.ts';

interface WrappedResponse {
  /** The original response exactly as it would have been sent (its own request_id). */
  responseText: string;
  creationPath: string;
  creationMs: number;
  ttlSeconds: number;
}

const INVALID = 'wrapping token is not valid or does not exist';

/** Response wrapping: single-use tokens holding a stored response (Vault's cubbyhole/response). */
export class WrappingStore {
  readonly #tokens: TokenStore;
  readonly #wrapped = new Map<string, WrappedResponse>();

  constructor(tokens: TokenStore) {
    this.#tokens = tokens;
  }

  /** Stores `responseText` behind a new wrapping token; returns the wrap_info. */
  wrap(
    responseText: string,
    creationPath: string,
    ttlSeconds: number,
    wrappedAccessor?: string,
  ): WrapInfo {
    const token = this.#tokens.create({
      policies: ['response-wrapping'],
      path: creationPath,
      displayName: '',
      numUses: 1,
      ttlSeconds,
      explicitMaxTtlSeconds: ttlSeconds,
      renewable: false,
    });
    this.#wrapped.set(token.id, {
      responseText,
      creationPath,
      creationMs: token.creationMs,
      ttlSeconds,
    });
    return {
      token: token.id,
      accessor: token.accessor,
      ttl: ttlSeconds,
      creation_time: rfc3339Nano(token.creationMs),
      creation_path: creationPath,
      ...(wrappedAccessor ? { wrapped_accessor: wrappedAccessor } : {}),
    };
  }

  #valid(token: string): WrappedResponse {
    const wrapped = this.#wrapped.get(token);
    // lookup() also expires the token (and, through onRevoke, forgets the response).
    if (!wrapped || !this.#tokens.lookup(token)) throw new VaultHttpError(400, [INVALID]);
    return wrapped;
  }

  /** sys/wrapping/lookup: does not use the token. */
  lookup(token: string): Record<string, unknown> {
    const wrapped = this.#valid(token);
    return {
      creation_path: wrapped.creationPath,
      creation_time: rfc3339Nano(wrapped.creationMs),
      creation_ttl: wrapped.ttlSeconds,
    };
  }

  /** sys/wrapping/unwrap: returns the stored response and revokes the token (single use). */
  unwrap(token: string): string {
    const wrapped = this.#valid(token);
    this.#tokens.revoke(token);
    return wrapped.responseText;
  }

  isWrappingToken(token: string): boolean {
    return this.#wrapped.has(token);
  }

  forget(token: string): void {
    this.#wrapped.delete(token);
  }
}
