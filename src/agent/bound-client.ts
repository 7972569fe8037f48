import type { VaultClient } from '../vault/client.ts';

/**
 * The client with `signal` on every request, so that stopping an actor also cuts its HTTP
 * call short: SIGTERM must end keyturn within a second, not after a 10 s request timeout.
 */
export function boundClient(client: VaultClient, signal: AbortSignal): VaultClient {
  return {
    address: client.address,
    request: (method, path, opts) => client.request(method, path, { signal, ...opts }),
    raw: (method, path, opts) => client.raw(method, path, { signal, ...opts }),
    close: () => client.close(),
  };
}
