import type { AppRoleBackend } from './approle-backend.ts';
import { approleLogin } from './approle-login.ts';
import { applyRoleFields, roleData } from './approle-role-fields.ts';
import { createSecretId, secretIdData } from './approle-secret-ids.ts';
import { VaultHttpError } from './backend.ts';
import type { HandlerContext, RouteSpec } from './core.ts';
import { multierrorText } from './vault-errors.ts';
import { type CoreResponse, noContent, wrapper } from './wire-response.ts';

const MOUNT = 'approle';

function writeRole(ctx: HandlerContext, backend: AppRoleBackend, name: string): CoreResponse {
  const existing = backend.roles.get(name);
  const role = existing ? { ...existing } : backend.newRole(name);
  applyRoleFields(role, ctx.req.body);
  if (typeof ctx.req.body.role_id === 'string' && ctx.req.body.role_id !== '')
    role.roleId = ctx.req.body.role_id;
  backend.roles.set(name, role);
  return noContent;
}

function readRole(backend: AppRoleBackend, name: string): CoreResponse {
  const role = backend.roles.get(name);
  if (!role) throw new VaultHttpError(404, []);
  return wrapper({ data: roleData(role), mountType: MOUNT });
}

function setRoleId(ctx: HandlerContext, backend: AppRoleBackend, name: string): CoreResponse {
  const role = backend.roles.get(name);
  if (!role) throw new VaultHttpError(404, [`role ${JSON.stringify(name)} does not exist`]);
  const roleId = ctx.req.body.role_id;
  if (typeof roleId !== 'string' || roleId.trim() === '')
    throw new VaultHttpError(400, ['missing role_id']);
  role.roleId = roleId.trim();
  return noContent;
}

function secretIdByBody(ctx: HandlerContext, backend: AppRoleBackend, name: string) {
  const secretId = ctx.req.body.secret_id;
  if (typeof secretId !== 'string' || secretId === '')
    throw new VaultHttpError(400, ['missing secret_id']);
  if (!backend.roles.has(name))
    throw new VaultHttpError(404, [`role ${JSON.stringify(name)} does not exist`]);
  return backend.secretId(name, secretId);
}

const role = (m: RegExpExecArray) => m[1] as string;

/**
 * role/:r/secret-id-accessor/destroy: Vault's handler returns plain Go errors here, so a
 * missing role or accessor is a 500 with a multierror text (not the 404 of lookup).
 */
function destroyByAccessor(ctx: HandlerContext, backend: AppRoleBackend, name: string) {
  const accessor = ctx.req.body.secret_id_accessor;
  if (typeof accessor !== 'string' || accessor === '')
    throw new VaultHttpError(400, ['missing secret_id_accessor']);
  if (!backend.roles.has(name))
    throw new VaultHttpError(500, [
      multierrorText([`role ${JSON.stringify(name)} does not exist`]),
    ]);
  const entry = backend.secretIdsOf(name).find((e) => e.accessor === accessor);
  if (!entry) {
    throw new VaultHttpError(500, [
      multierrorText([
        `failed to find accessor entry for secret_id_accessor: ${JSON.stringify(accessor)}`,
      ]),
    ]);
  }
  backend.deleteSecretId(entry);
  return noContent;
}

/** The AppRole API of one auth mount; patterns match the path inside the mount. */
export function approleRoutes(backend: AppRoleBackend): RouteSpec[] {
  const roleExists = (_ctx: HandlerContext, m: RegExpExecArray) => backend.roles.has(role(m));
  return [
    {
      pattern: /^login\/?$/,
      mountType: MOUNT,
      unauthenticated: true,
      ops: { update: (ctx) => approleLogin(ctx, backend) },
    },
    {
      pattern: /^role\/?$/,
      mountType: MOUNT,
      ops: {
        list: () => wrapper({ data: { keys: [...backend.roles.keys()].sort() }, mountType: MOUNT }),
      },
    },
    {
      pattern: /^role\/([^/]+)\/?$/,
      mountType: MOUNT,
      exists: roleExists,
      ops: {
        read: (_ctx, m) => readRole(backend, role(m)),
        update: (ctx, m) => writeRole(ctx, backend, role(m)),
        delete: (_ctx, m) => {
          backend.deleteRole(role(m));
          return noContent;
        },
      },
    },
    {
      pattern: /^role\/([^/]+)\/role-id\/?$/,
      mountType: MOUNT,
      ops: {
        read: (_ctx, m) => {
          const found = backend.roles.get(role(m));
          if (!found) throw new VaultHttpError(404, []);
          return wrapper({ data: { role_id: found.roleId }, mountType: MOUNT });
        },
        update: (ctx, m) => setRoleId(ctx, backend, role(m)),
      },
    },
    {
      pattern: /^role\/([^/]+)\/secret-id\/?$/,
      mountType: MOUNT,
      ops: {
        update: (ctx, m) => createSecretId(backend, role(m), ctx.req.body, false),
        list: (_ctx, m) => {
          const keys = backend.secretIdsOf(role(m)).map((e) => e.accessor);
          if (keys.length === 0) throw new VaultHttpError(404, []);
          return wrapper({ data: { keys }, mountType: MOUNT });
        },
      },
    },
    {
      pattern: /^role\/([^/]+)\/custom-secret-id\/?$/,
      mountType: MOUNT,
      ops: { update: (ctx, m) => createSecretId(backend, role(m), ctx.req.body, true) },
    },
    {
      pattern: /^role\/([^/]+)\/secret-id\/lookup\/?$/,
      mountType: MOUNT,
      ops: {
        update: (ctx, m) => {
          const entry = secretIdByBody(ctx, backend, role(m));
          return entry ? wrapper({ data: secretIdData(entry), mountType: MOUNT }) : noContent;
        },
      },
    },
    {
      pattern: /^role\/([^/]+)\/secret-id-accessor\/destroy\/?$/,
      mountType: MOUNT,
      ops: {
        update: (ctx, m) => destroyByAccessor(ctx, backend, role(m)),
        delete: (ctx, m) => destroyByAccessor(ctx, backend, role(m)),
      },
    },
    {
      pattern: /^role\/([^/]+)\/secret-id\/destroy\/?$/,
      mountType: MOUNT,
      ops: {
        update: (ctx, m) => {
          const entry = secretIdByBody(ctx, backend, role(m));
          if (entry) backend.deleteSecretId(entry);
          return noContent;
        },
      },
    },
  ];
}
