import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { createSecureContext } from 'node:tls';
import { UsageError } from '../errors/keyturn-error.ts';
import { nodeTls } from './node-http.ts';

/** The Vault CLI's TLS settings (VAULT_CACERT, VAULT_CAPATH, …), as file paths. */
export interface VaultTlsOptions {
  /** PEM file of the CA(s) to trust instead of the system roots (VAULT_CACERT). */
  caCert?: string;
  /** Directory of PEM files to trust (VAULT_CAPATH); ignored when caCert is set, as in Vault. */
  caPath?: string;
  clientCert?: string;
  clientKey?: string;
  /** SNI name and the name the certificate must match (VAULT_TLS_SERVER_NAME). */
  serverName?: string;
  /** Turns verification off; anything but `true` keeps it on. */
  skipVerify?: boolean;
}

/** What the https Agent takes (a subset of tls.ConnectionOptions). */
export interface AgentTlsOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

const certMarker = '-----BEGIN CERTIFICATE-----';

function readOption(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read tls.${option} file "${path}" (${code})`, { cause: error });
  }
}

/** Every PEM file directly in the directory; files without a certificate are skipped (c_rehash dirs hold other files). */
function readCaPath(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read tls.caPath directory "${dir}" (${code})`, { cause: error });
  }
  const pems: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
    const text = readOption('caPath', file);
    if (text.includes(certMarker)) pems.push(text);
  }
  if (pems.length === 0)
    throw new UsageError(`tls.caPath directory "${dir}" holds no PEM certificate`);
  return pems;
}

/** Builds a context once so a bad PEM or a key that does not match fails now, naming the option. */
function check(
  options: string,
  paths: string,
  context: Parameters<typeof createSecureContext>[0],
): void {
  try {
    nodeTls().createSecureContext(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`tls.${options} "${paths}" is not usable: ${reason}`, { cause: error });
  }
}

function loadCa(tls: VaultTlsOptions): string[] | undefined {
  if (tls.caCert !== undefined) {
    const pem = readOption('caCert', tls.caCert);
    if (!pem.includes(certMarker)) {
      throw new UsageError(`tls.caCert file "${tls.caCert}" holds no PEM certificate`);
    }
    check('caCert', tls.caCert, { ca: pem });
    return [pem];
  }
  if (tls.caPath !== undefined) {
    const pems = readCaPath(tls.caPath);
    check('caPath', tls.caPath, { ca: pems });
    return pems;
  }
  return undefined;
}

/** Reads every TLS file once, at client creation; a missing or bad file is a UsageError naming option and path (never content). */
export function loadTlsOptions(tls: VaultTlsOptions = {}): AgentTlsOptions {
  // Verification stays on unless explicitly turned off: `skipVerify: "false"` must not disable it.
  const options: AgentTlsOptions = { rejectUnauthorized: tls.skipVerify !== true };
  const ca = loadCa(tls);
  if (ca) options.ca = ca;
  if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
    throw new UsageError('tls.clientCert and tls.clientKey must be set together');
  }
  if (tls.clientCert !== undefined && tls.clientKey !== undefined) {
    options.cert = readOption('clientCert', tls.clientCert);
    options.key = readOption('clientKey', tls.clientKey);
    check('clientCert/clientKey', `${tls.clientCert}, ${tls.clientKey}`, {
      cert: options.cert,
      key: options.key,
    });
  }
  if (tls.serverName !== undefined && tls.serverName !== '') options.servername = tls.serverName;
  return options;
}
