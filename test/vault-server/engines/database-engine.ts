import type { Clock, Engine, EngineRequest, EngineResponse, LeaseRequest } from '../backend.ts';
import { generatePassword, generateUsername } from './database-credentials.ts';
import { type DatabaseRole, databaseRoleResponse, parseDatabaseRole } from './database-role.ts';
import {
  badRequest,
  internalError,
  notFound,
  unsupportedOperation,
  unsupportedPath,
} from './engine-errors.ts';
import { FieldData } from './field-data.ts';
import { globMatch } from './glob-match.ts';
import { listResponse } from './list-keys.ts';
import { mountTtl } from './mount-ttl.ts';

/** A user the fake database holds: live until its lease is revoked or expires. */
export interface DatabaseUser {
  username: string;
  role: string;
  dbName: string;
  createdMs: number;
  droppedMs: number | undefined;
}

/**
 * Dynamic `database` secrets engine against an imaginary database: `creds/:role` "creates" a
 * user with a lease, and the lease's revocation "drops" it. Tests read `users`.
 */
export class DatabaseEngine implements Engine {
  readonly type = 'database';
  readonly options: Record<string, string>;
  readonly connections = new Map<string, Record<string, unknown>>();
  readonly roles = new Map<string, DatabaseRole>();
  /** Every user ever created, in creation order. */
  readonly users: DatabaseUser[] = [];
  readonly #clock: Clock;

  constructor(clock: Clock, options: Record<string, string>) {
    this.#clock = clock;
    this.options = options;
  }

  liveUsers(): string[] {
    return this.users.filter((user) => user.droppedMs === undefined).map((user) => user.username);
  }

  droppedUsers(): string[] {
    return this.users.filter((user) => user.droppedMs !== undefined).map((user) => user.username);
  }

  exists(subPath: string): boolean {
    const [route, name = ''] = subPath.split('/', 2);
    if (route === 'config') return this.connections.has(name);
    if (route === 'roles') return this.roles.has(name);
    return true;
  }

  handle(request: EngineRequest): EngineResponse {
    const slash = request.subPath.indexOf('/');
    const route = slash === -1 ? request.subPath : request.subPath.slice(0, slash);
    const name = slash === -1 ? '' : request.subPath.slice(slash + 1);
    const fields = new FieldData(request.body);
    if (route === 'config') return this.#config(request.operation, name, request.body);
    if (route === 'roles') return this.#roles(request.operation, name, fields);
    if (route === 'creds' && request.operation === 'read') return this.#creds(request, name);
    if (route === 'creds') throw unsupportedOperation();
    throw unsupportedPath();
  }

  #config(operation: string, name: string, body: Record<string, unknown>): EngineResponse {
    if (operation === 'list') return listResponse([...this.connections.keys()].sort());
    if (name === '') throw unsupportedPath();
    if (operation === 'delete') {
      this.connections.delete(name);
      return { noContent: true };
    }
    if (operation !== 'read') {
      // Why: no real database behind it, so connection details are stored and never dialled.
      this.connections.set(name, structuredClone(body));
      return { noContent: true };
    }
    const config = this.connections.get(name);
    if (!config) throw notFound();
    const {
      connection_url,
      username,
      password: _password,
      plugin_name,
      allowed_roles,
      ...rest
    } = config;
    return {
      data: {
        allowed_roles: new FieldData(config).commaStrings('allowed_roles'),
        connection_details: { connection_url, username, ...rest },
        password_policy: '',
        plugin_name: plugin_name ?? '',
        plugin_version: '',
        root_credentials_rotate_statements: [],
        verify_connection: true,
      },
    };
  }

  #roles(operation: string, name: string, fields: FieldData): EngineResponse {
    if (operation === 'list') return listResponse([...this.roles.keys()].sort());
    if (name === '') throw unsupportedPath();
    if (operation === 'delete') {
      this.roles.delete(name);
      return { noContent: true };
    }
    if (operation === 'read') {
      const role = this.roles.get(name);
      if (!role) throw notFound();
      return { data: databaseRoleResponse(role) };
    }
    this.roles.set(name, parseDatabaseRole(fields));
    return { noContent: true };
  }

  #creds(request: EngineRequest, roleName: string): EngineResponse {
    const role = this.roles.get(roleName);
    if (!role) throw badRequest(`unknown role: ${roleName}`);
    const config = this.connections.get(role.dbName);
    if (!config)
      throw internalError(`failed to find entry for connection with name: "${role.dbName}"`);
    const allowed = new FieldData(config).commaStrings('allowed_roles');
    if (!allowed.includes('*') && !allowed.some((pattern) => globMatch(pattern, roleName))) {
      throw internalError(`"${roleName}" is not an allowed role`);
    }
    const nowMs = this.#clock.now();
    // No display name crosses the seam; "token" is what Vault uses for a nameless token.
    const user: DatabaseUser = {
      username: generateUsername('token', roleName, nowMs),
      role: roleName,
      dbName: role.dbName,
      createdMs: nowMs,
      droppedMs: undefined,
    };
    this.users.push(user);
    return {
      data: { username: user.username, password: generatePassword() },
      lease: this.#lease(request.mountPath, roleName, role, user),
    };
  }

  #lease(
    mountPath: string,
    roleName: string,
    role: DatabaseRole,
    user: DatabaseUser,
  ): LeaseRequest {
    const mount = mountTtl(this.options);
    const maxTtlSeconds = role.maxTtlSeconds || mount.maxSeconds;
    const ttlSeconds = Math.min(role.defaultTtlSeconds || mount.defaultSeconds, maxTtlSeconds);
    return {
      pathPrefix: `${mountPath}creds/${roleName}`,
      ttlSeconds,
      maxTtlSeconds,
      renewable: true,
      onRevoke: () => {
        user.droppedMs ??= this.#clock.now();
      },
    };
  }
}
