import { VaultHttpError } from '../backend.ts';
import type { HandlerContext, RouteSpec } from '../core.ts';
import { FieldData } from '../engines/field-data.ts';
import { type CoreResponse, noContent, wrapper } from '../wire-response.ts';
import type { JwtBackend } from './jwt-backend.ts';
import { jwtConfigData, writeJwtConfig } from './jwt-config.ts';
import { jwtLogin } from './jwt-login.ts';
import { jwtRoleData, writeJwtRole } from './jwt-role.ts';

/** Role names are TypeLowerCaseString in the JWT plugin. */
const role = (m: RegExpExecArray) => (m[1] as string).toLowerCase();

function writeRole(ctx: HandlerContext, backend: JwtBackend, name: string): CoreResponse {
  const { role: written, warnings } = writeJwtRole(
    backend.roles.get(name),
    new FieldData(ctx.req.body),
  );
  backend.roles.set(name, written);
  return warnings.length > 0 ? wrapper({ warnings, mountType: backend.mountType }) : noContent;
}

/** The JWT/OIDC auth API of one mount (no OIDC browser flow: `oidc/auth_url`, `oidc/callback`). */
export function jwtRoutes(backend: JwtBackend): RouteSpec[] {
  const mountType = backend.mountType;
  const found = (data: Record<string, unknown> | undefined) => {
    if (!data) throw new VaultHttpError(404, []);
    return wrapper({ data, mountType });
  };
  return [
    {
      pattern: /^login\/?$/,
      mountType,
      unauthenticated: true,
      ops: { update: (ctx) => jwtLogin(ctx, backend) },
    },
    {
      pattern: /^config\/?$/,
      mountType,
      ops: {
        read: () => found(backend.config ? jwtConfigData(backend.config) : undefined),
        update: async (ctx) => {
          await writeJwtConfig(backend, new FieldData(ctx.req.body));
          return noContent;
        },
      },
    },
    {
      pattern: /^role\/?$/,
      mountType,
      ops: {
        list: () => {
          if (backend.roles.size === 0) throw new VaultHttpError(404, []);
          return wrapper({ data: { keys: [...backend.roles.keys()].sort() }, mountType });
        },
      },
    },
    {
      pattern: /^role\/([^/]+)\/?$/,
      mountType,
      exists: (_ctx, m) => backend.roles.has(role(m)),
      ops: {
        read: (_ctx, m) => {
          const r = backend.roles.get(role(m));
          return found(r ? jwtRoleData(r) : undefined);
        },
        update: (ctx, m) => writeRole(ctx, backend, role(m)),
        delete: (_ctx, m) => {
          backend.roles.delete(role(m));
          return noContent;
        },
      },
    },
  ];
}
