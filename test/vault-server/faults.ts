import type { ApiResult } from './wire-render.ts';

export interface FailNextOptions {
  status: number;
  /** Only requests to this path (exact, without /v1/) or matching this RegExp; default all. */
  path?: string | RegExp;
  /** The `errors` of the body; default `[]`. */
  errors?: string[];
  /** Sent as the Retry-After header (e.g. with 429). */
  retryAfterSeconds?: number;
}

interface PendingFault extends FailNextOptions {
  remaining: number;
}

export interface InjectedFailure {
  status: number;
  errors: string[];
  retryAfterSeconds?: number;
}

/** Injected failures and latency, applied before any other handling. */
export class Faults {
  readonly #pending: PendingFault[] = [];
  latencyMs = 0;

  failNext(count: number, options: FailNextOptions): void {
    this.#pending.push({ ...options, remaining: count });
  }

  clear(): void {
    this.#pending.length = 0;
    this.latencyMs = 0;
  }

  /** The failure to answer this request with, if one is pending for its path (uses it up). */
  take(path: string): InjectedFailure | null {
    const fault = this.#pending.find((f) => {
      if (f.path === undefined) return true;
      return typeof f.path === 'string' ? f.path === path : f.path.test(path);
    });
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#pending.splice(this.#pending.indexOf(fault), 1);
    return {
      status: fault.status,
      errors: fault.errors ?? [],
      ...(fault.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: fault.retryAfterSeconds }
        : {}),
    };
  }
}

/** The response for an injected failure: Vault's error shape, with Retry-After when asked. */
export function faultResult(fault: InjectedFailure): ApiResult {
  const retryAfter = fault.retryAfterSeconds;
  return {
    status: fault.status,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}),
    },
    body: `${JSON.stringify({ errors: fault.errors })}\n`,
  };
}
