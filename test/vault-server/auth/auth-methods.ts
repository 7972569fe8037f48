import { AppRoleBackend } from '../approle-backend.ts';
import { approleRoutes } from '../approle-routes.ts';
import type { Clock } from '../backend.ts';
import type { RouteSpec } from '../core.ts';
import { JwtBackend } from './jwt-backend.ts';
import { jwtRoutes } from './jwt-routes.ts';
import { KubernetesBackend } from './kubernetes-backend.ts';
import { kubernetesRoutes } from './kubernetes-routes.ts';

/** Builds the API of a new auth mount at `mountPath` (with its trailing slash). */
type AuthMethodFactory = (mountPath: string, clock: Clock) => RouteSpec[];

/** The auth methods `sys/auth/:path` can enable (the token store is built in). */
export const authMethodFactories: Record<string, AuthMethodFactory> = {
  approle: (mountPath, clock) => approleRoutes(new AppRoleBackend(mountPath, clock)),
  kubernetes: (mountPath) => kubernetesRoutes(new KubernetesBackend(mountPath)),
  jwt: (mountPath) => jwtRoutes(new JwtBackend(mountPath, 'jwt')),
  oidc: (mountPath) => jwtRoutes(new JwtBackend(mountPath, 'oidc')),
};
