import { badRequest } from './engine-errors.ts';
import type { FieldData } from './field-data.ts';

/** A dynamic database role: which connection, which statements, how long users live. */
export interface DatabaseRole {
  dbName: string;
  creationStatements: string[];
  revocationStatements: string[];
  rollbackStatements: string[];
  renewStatements: string[];
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
}

/** POST `roles/:name`; `db_name` is the only required field, as in Vault. */
export function parseDatabaseRole(fields: FieldData): DatabaseRole {
  const dbName = fields.string('db_name');
  if (dbName === '') throw badRequest('database name is required');
  return {
    dbName,
    creationStatements: fields.strings('creation_statements'),
    revocationStatements: fields.strings('revocation_statements'),
    rollbackStatements: fields.strings('rollback_statements'),
    renewStatements: fields.strings('renew_statements'),
    defaultTtlSeconds: fields.durationSeconds('default_ttl'),
    maxTtlSeconds: fields.durationSeconds('max_ttl'),
  };
}

/** GET `roles/:name` with Vault's field names (TTLs in seconds). */
export function databaseRoleResponse(role: DatabaseRole): Record<string, unknown> {
  return {
    creation_statements: role.creationStatements,
    credential_type: 'password',
    db_name: role.dbName,
    default_ttl: role.defaultTtlSeconds,
    max_ttl: role.maxTtlSeconds,
    renew_statements: role.renewStatements,
    revocation_statements: role.revocationStatements,
    rollback_statements: role.rollbackStatements,
  };
}
