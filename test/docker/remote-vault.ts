import type { ClientResponse, RequestOptions } from '../vault-server/index.ts';
import { sendRequest } from '../vault-server/test-client.ts';

/**
 * The test server running in a container, driven over HTTP with its root token: the
 * request/write/read subset of VaultServer that the e2e fixtures (setupApp) use.
 */
export class RemoteVault {
  readonly addr: string;
  readonly rootToken: string;

  constructor(addr: string, rootToken: string) {
    this.addr = addr;
    this.rootToken = rootToken;
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<ClientResponse> {
    return sendRequest(this.addr, method, path, { token: this.rootToken, ...options });
  }

  write(path: string, body: unknown = {}): Promise<ClientResponse> {
    return this.request('PUT', path, { body });
  }

  read(path: string): Promise<ClientResponse> {
    return this.request('GET', path);
  }
}
