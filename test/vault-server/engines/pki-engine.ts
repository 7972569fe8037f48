import type { Clock, Engine, EngineRequest, EngineResponse } from '../backend.ts';
import { badRequest, notFound, unsupportedOperation, unsupportedPath } from './engine-errors.ts';
import { FieldData } from './field-data.ts';
import { listResponse } from './list-keys.ts';
import { mountTtl } from './mount-ttl.ts';
import { certNames, signLeaf } from './pki-issue.ts';
import { issueResponseData } from './pki-issue-response.ts';
import { generateRoot, type PkiIssuer, rootResponse } from './pki-issuer.ts';
import { issuerResponse, updateIssuer } from './pki-issuer-config.ts';
import { certificateNotAfter } from './pki-not-after.ts';
import { type PkiRole, parseRole, roleResponse } from './pki-role.ts';
import { randomSerial } from './pki-serial.ts';

const NO_DEFAULT_ISSUER = 'no default issuer currently configured';

/** PKI secrets engine: one internal root CA at a time, roles, and `issue/:role`. */
export class PkiEngine implements Engine {
  readonly type = 'pki';
  readonly options: Record<string, string>;
  readonly roles = new Map<string, PkiRole>();
  readonly issuers = new Map<string, PkiIssuer>();
  /** Issued certificates by `serial_number` (unless the role has `no_store`). */
  readonly certs = new Map<string, string>();
  readonly #clock: Clock;
  #defaultIssuerId: string | undefined;

  constructor(clock: Clock, options: Record<string, string>) {
    this.#clock = clock;
    this.options = options;
  }

  /** The default issuer, as `ca/pem`, `cert/ca` and `issue/` use it. */
  get defaultIssuer(): PkiIssuer | undefined {
    return this.#defaultIssuerId === undefined
      ? undefined
      : this.issuers.get(this.#defaultIssuerId);
  }

  exists(subPath: string): boolean {
    if (subPath.startsWith('roles/')) return this.roles.has(subPath.slice('roles/'.length));
    // Why: Vault's issue/root/issuer paths have no existence check, so writes are `update`.
    return true;
  }

  async handle(request: EngineRequest): Promise<EngineResponse> {
    const { operation, subPath } = request;
    const fields = new FieldData(request.body);
    const write = operation === 'create' || operation === 'update';
    const [route = '', ...rest] = subPath.split('/');
    const name = rest.join('/');
    if (route === 'roles') return this.#roles(operation, name, fields);
    if (route === 'issue' && write) return this.#issue(request, name, fields);
    if (subPath.startsWith('root/generate/') && write) {
      return this.#generateRoot(subPath.slice('root/generate/'.length), fields);
    }
    if (subPath === 'root' && operation === 'delete') return this.#deleteRoot();
    if (subPath === 'ca/pem' && operation === 'read') return this.#caPem();
    if (route === 'cert' && operation === 'read') return this.#readCert(name);
    if (route === 'issuer' && rest.length === 1) return this.#issuer(operation, name, fields);
    if (['roles', 'issue', 'root', 'ca', 'cert', 'issuer'].includes(route))
      throw unsupportedOperation();
    throw unsupportedPath();
  }

  #roles(operation: string, name: string, fields: FieldData): EngineResponse {
    if (operation === 'list') return listResponse([...this.roles.keys()].sort());
    if (name === '') throw unsupportedPath();
    if (operation === 'read') {
      const role = this.roles.get(name);
      if (!role) throw notFound();
      return { data: roleResponse(role) };
    }
    if (operation === 'delete') {
      this.roles.delete(name);
      return { noContent: true };
    }
    this.roles.set(name, parseRole(fields));
    return { data: roleResponse(this.roles.get(name)!) };
  }

  async #generateRoot(type: string, fields: FieldData): Promise<EngineResponse> {
    if (type !== 'internal' && type !== 'exported') throw unsupportedPath();
    const { issuer, warnings } = await generateRoot(
      fields,
      this.#clock.now(),
      mountTtl(this.options),
    );
    this.issuers.set(issuer.id, issuer);
    // Vault keeps the existing default when another issuer is created.
    this.#defaultIssuerId ??= issuer.id;
    const response: EngineResponse = { data: rootResponse(issuer, type === 'exported') };
    return warnings.length > 0 ? { ...response, warnings } : response;
  }

  #deleteRoot(): EngineResponse {
    this.issuers.clear();
    this.#defaultIssuerId = undefined;
    return { noContent: true };
  }

  #caPem(): EngineResponse {
    const issuer = this.defaultIssuer;
    if (!issuer) throw badRequest(NO_DEFAULT_ISSUER);
    return { raw: { contentType: 'application/pem-certificate-chain', body: `${issuer.pem}\n` } };
  }

  #readCert(serial: string): EngineResponse {
    let pem: string | undefined;
    if (serial === 'ca' || serial === 'ca_chain') {
      pem = this.defaultIssuer?.pem;
      if (pem === undefined) throw badRequest(NO_DEFAULT_ISSUER);
    } else {
      pem = this.certs.get(serial.replaceAll('-', ':').toLowerCase());
      if (pem === undefined) throw notFound();
    }
    return { data: { certificate: pem, revocation_time: 0, revocation_time_rfc3339: '' } };
  }

  #issuer(operation: string, ref: string, fields: FieldData): EngineResponse {
    const issuer = ref === 'default' ? this.defaultIssuer : this.issuers.get(ref);
    if (!issuer) {
      if (ref === 'default') throw badRequest(NO_DEFAULT_ISSUER);
      throw badRequest(`unable to find PKI issuer for reference: ${ref}`);
    }
    if (operation === 'create' || operation === 'update') updateIssuer(issuer, fields);
    else if (operation !== 'read') throw unsupportedOperation();
    return { data: issuerResponse(issuer) };
  }

  async #issue(
    request: EngineRequest,
    roleName: string,
    fields: FieldData,
  ): Promise<EngineResponse> {
    const role = this.roles.get(roleName);
    if (!role) throw badRequest(`unknown role: ${roleName}`);
    if (role.keyType === 'any') {
      throw badRequest('role key type "any" not allowed for issuing certificates, only signing');
    }
    const format = fields.string('format', 'pem');
    if (!['pem', 'der', 'pem_bundle'].includes(format)) {
      throw badRequest('the "format" path parameter must be "pem", "der", or "pem_bundle"');
    }
    const issuer = this.defaultIssuer;
    if (!issuer) {
      throw badRequest(`could not fetch the CA certificate (was one set?): ${NO_DEFAULT_ISSUER}`);
    }
    const names = certNames(role, fields);
    const nowMs = this.#clock.now();
    const { notAfterMs, warnings } = certificateNotAfter({
      nowMs,
      requestTtlSeconds: fields.durationSeconds('ttl'),
      roleTtlSeconds: role.ttlSeconds,
      roleMaxTtlSeconds: role.maxTtlSeconds,
      mount: mountTtl(this.options),
      issuer: { notAfterMs: issuer.notAfterMs, behavior: issuer.leafNotAfterBehavior },
    });
    const serial = randomSerial();
    const signed = await signLeaf({
      role,
      issuer,
      names,
      serialHex: serial.hex,
      nowMs,
      notAfterMs,
    });
    const certPem = signed.certificate.toString('pem').trim();
    if (!role.noStore) this.certs.set(serial.formatted, certPem);
    const keyFormat = fields.string('private_key_format', 'der') === 'pkcs8' ? 'pkcs8' : 'der';
    const issued = {
      issuer,
      pair: signed.pair,
      certPem,
      serialNumber: serial.formatted,
      notAfterMs,
    };
    const data = issueResponseData(issued, format, keyFormat);
    const response: EngineResponse = warnings.length > 0 ? { data, warnings } : { data };
    if (!role.generateLease) return response;
    // Why: Vault leases an issued cert for its remaining life; revoking it is not a renewal.
    const ttlSeconds = Math.max(0, Math.floor((notAfterMs - nowMs) / 1000));
    const pathPrefix = `${request.mountPath}issue/${roleName}`;
    return {
      ...response,
      lease: { pathPrefix, ttlSeconds, maxTtlSeconds: ttlSeconds, renewable: false },
    };
  }
}
