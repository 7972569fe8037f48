import { VaultHttpError } from './backend.ts';
import type { Core, RouteSpec } from './core.ts';
import { health, sealStatus } from './health.ts';
import { decodeUnsealKey } from './seal-state.ts';
import type { VaultRequest } from './vault-request.ts';
import { type CoreResponse, noContent } from './wire-response.ts';

function raw(status: number, body: unknown): CoreResponse {
  return { kind: 'raw', status, body };
}

function numberField(body: Record<string, unknown>, name: string): number {
  const value = body[name];
  return typeof value === 'number' ? value : Number(value ?? 0);
}

/** sys/init: real Shamir shares of a random root key, and a new root token. */
async function init(core: Core, req: VaultRequest): Promise<CoreResponse> {
  if (req.operation === 'read') return raw(200, { initialized: core.seal.initialized });
  const pgpKeys = req.body.pgp_keys;
  if ((Array.isArray(pgpKeys) && pgpKeys.length > 0) || req.body.root_token_pgp_key) {
    throw new VaultHttpError(400, [
      'pgp_keys and root_token_pgp_key are not supported by this test server',
    ]);
  }
  const result = await core.seal.initialize(
    numberField(req.body, 'secret_shares'),
    numberField(req.body, 'secret_threshold'),
  );
  // vault operator init: the old state is gone, a new root token is minted.
  for (const token of core.tokens.all()) core.tokens.revoke(token.id);
  const root = core.createRootToken();
  core.onInit(root.id, result.keysHex);
  return raw(200, { keys: result.keysHex, keys_base64: result.keysBase64, root_token: root.id });
}

async function unseal(core: Core, req: VaultRequest): Promise<CoreResponse> {
  if (req.body.reset === true) {
    core.seal.resetProgress();
    return raw(200, sealStatus(core));
  }
  const key = req.body.key;
  if (typeof key !== 'string' || key === '') {
    throw new VaultHttpError(400, [
      "'key' must be specified in request body as JSON, or 'reset' set to true",
    ]);
  }
  await core.seal.submit(decodeUnsealKey(key));
  return raw(200, sealStatus(core));
}

/**
 * The endpoints that answer raw JSON and work while sealed: sys/health, sys/seal-status,
 * sys/init, sys/unseal. Returns null for any other path.
 */
export async function rawSysEndpoint(core: Core, req: VaultRequest): Promise<CoreResponse | null> {
  const path = req.rawPath.replace(/\/$/, '');
  const method = req.method;
  if (path === 'sys/health' && (method === 'GET' || method === 'HEAD')) {
    const { status, body } = health(core, req.query);
    return raw(status, method === 'HEAD' ? null : body);
  }
  if (path === 'sys/seal-status' && method === 'GET') return raw(200, sealStatus(core));
  if (path === 'sys/init' && (method === 'GET' || method === 'PUT' || method === 'POST'))
    return init(core, req);
  if (path === 'sys/unseal' && (method === 'PUT' || method === 'POST')) return unseal(core, req);
  return null;
}

/** sys/seal: root (sudo) only; answered 204. */
export const sealRoutes: RouteSpec[] = [
  {
    pattern: /^sys\/seal\/?$/,
    mountType: 'system',
    sudo: true,
    ops: {
      update: (ctx) => {
        ctx.core.seal.seal();
        return noContent;
      },
    },
  },
];
