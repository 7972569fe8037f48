import { VaultHttpError } from '../backend.ts';
import type { HandlerContext, RouteSpec } from '../core.ts';
import { FieldData } from '../engines/field-data.ts';
import { type CoreResponse, noContent, wrapper } from '../wire-response.ts';
import type { KubernetesBackend } from './kubernetes-backend.ts';
import { kubernetesConfigData, writeKubernetesConfig } from './kubernetes-config.ts';
import { kubernetesLogin } from './kubernetes-login.ts';
import { kubernetesRoleData, writeKubernetesRole } from './kubernetes-role.ts';

const role = (m: RegExpExecArray) => m[1] as string;

function writeRole(ctx: HandlerContext, backend: KubernetesBackend, name: string): CoreResponse {
  const fields = new FieldData(ctx.req.body);
  const { role: written, warnings } = writeKubernetesRole(name, backend.role(name), fields);
  backend.roles.set(name.toLowerCase(), written);
  return warnings.length > 0 ? wrapper({ warnings, mountType: backend.mountType }) : noContent;
}

/** The Kubernetes auth API of one mount; patterns match the path inside the mount. */
export function kubernetesRoutes(backend: KubernetesBackend): RouteSpec[] {
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
      ops: { update: (ctx) => kubernetesLogin(ctx, backend) },
    },
    {
      pattern: /^config\/?$/,
      mountType,
      ops: {
        read: () => found(backend.config ? kubernetesConfigData(backend.config) : undefined),
        update: (ctx) => {
          writeKubernetesConfig(backend, new FieldData(ctx.req.body));
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
      exists: (_ctx, m) => backend.role(role(m)) !== undefined,
      ops: {
        read: (_ctx, m) => {
          const r = backend.role(role(m));
          return found(r ? kubernetesRoleData(r) : undefined);
        },
        update: (ctx, m) => writeRole(ctx, backend, role(m)),
        delete: (_ctx, m) => {
          backend.roles.delete(role(m).toLowerCase());
          return noContent;
        },
      },
    },
  ];
}
