import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { UsageError } from '../errors/keyturn-error.ts';
import { DockerUnavailableError } from './launch-errors.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** docker-modem's connection options; every key set, so nothing falls back to its own env reading. */
export interface DockerConnection {
  socketPath: string | undefined;
  host: string | undefined;
  port: string | undefined;
  protocol: 'http' | 'https' | 'ssh' | undefined;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** For messages: `unix:///var/run/docker.sock`, `tcp://host:2376 (TLS)`. */
  describe: string;
}

/**
 * Where the Docker Engine API is, as the docker CLI reads it: DOCKER_HOST (unix:// by
 * default /var/run/docker.sock, tcp://, ssh://), TLS when DOCKER_TLS_VERIFY=1 with ca.pem,
 * cert.pem and key.pem from DOCKER_CERT_PATH (default ~/.docker).
 */
export function dockerConnection(env: Env): DockerConnection {
  const host = env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';
  const none = { host: undefined, port: undefined, protocol: undefined };
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length) || '/var/run/docker.sock';
    return { socketPath, ...none, describe: `unix://${socketPath}` };
  }
  let url: URL;
  try {
    url = new URL(host.includes('//') ? host : `tcp://${host}`);
  } catch {
    throw new UsageError(
      `DOCKER_HOST "${host}": expected unix:///path, tcp://host:port or ssh://user@host`,
    );
  }
  if (url.protocol === 'ssh:') {
    return {
      socketPath: undefined,
      host: url.hostname,
      port: url.port || '22',
      protocol: 'ssh',
      describe: host,
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`DOCKER_HOST "${host}": unsupported scheme ${url.protocol}`);
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.protocol === 'https:';
  const base = {
    socketPath: undefined,
    host: url.hostname,
    port: url.port || (tls ? '2376' : '2375'),
  };
  if (!tls) return { ...base, protocol: 'http', describe: `tcp://${url.host}` };
  const dir = env.DOCKER_CERT_PATH || join(env.HOME ?? '/root', '.docker');
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file));
    } catch (error) {
      throw new UsageError(
        `DOCKER_TLS_VERIFY=1: cannot read ${join(dir, file)} (${(error as NodeJS.ErrnoException).code ?? 'error'}); set DOCKER_CERT_PATH`,
        { cause: error },
      );
    }
  };
  return {
    ...base,
    protocol: 'https',
    ca: read('ca.pem'),
    cert: read('cert.pem'),
    key: read('key.pem'),
    describe: `tcp://${url.host} (TLS, certificates from ${dir})`,
  };
}

/**
 * Opens the engine and pings it before anything else happens: a launcher that cannot reach
 * Docker must not spend a secret ID first. dockerode (and its gRPC and SSH dependencies) is
 * loaded only here, from its own file (dist/keyturn-docker.mjs), so other commands never pay for it.
 */
export async function openDocker(connection: DockerConnection): Promise<Dockerode> {
  const { default: Docker } = await import('dockerode');
  const { describe, ...options } = connection;
  const docker = new Docker(options as Dockerode.DockerOptions);
  try {
    await docker.ping();
  } catch (error) {
    throw new DockerUnavailableError(
      `cannot reach the Docker engine at ${describe}: ${(error as Error).message}`,
      { cause: error, details: { docker: describe } },
    );
  }
  return docker;
}
