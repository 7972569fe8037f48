import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { pingEngine } from './ping-engine.ts';

export type EngineChoice =
  /** An engine answers: use it and leave it running. */
  | { kind: 'found'; host: string; origin: 'DOCKER_HOST' | 'system socket' }
  /** None answers, but this process may start its own dockerd. */
  | { kind: 'startable'; why: string }
  | { kind: 'none'; reason: string };

const systemSocket = 'unix:///var/run/docker.sock';

/** PATH plus the sbin directories a non-login root shell may lack (dockerd, docker-proxy). */
export function daemonPath(path = process.env.PATH ?? ''): string {
  return [path, '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean).join(':');
}

/** The first `name` on PATH that is executable, or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(':').filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * Which Docker engine the tests use: DOCKER_HOST when set (and only it: an explicit choice
 * that does not answer is reported, not silently replaced), else the system socket, else a
 * dockerd of our own when we are root and it is installed. `KEYTURN_DOCKER_TESTS=off` opts out.
 */
export async function findEngine(env: NodeJS.ProcessEnv = process.env): Promise<EngineChoice> {
  if (env.KEYTURN_DOCKER_TESTS === 'off')
    return { kind: 'none', reason: 'KEYTURN_DOCKER_TESTS=off' };
  if (!onPath('docker', env.PATH))
    return { kind: 'none', reason: 'no docker CLI on PATH (apt-get install docker.io)' };
  if (env.DOCKER_HOST) {
    const why = await pingEngine(env.DOCKER_HOST);
    return why
      ? { kind: 'none', reason: `DOCKER_HOST=${env.DOCKER_HOST} does not answer: ${why}` }
      : { kind: 'found', host: env.DOCKER_HOST, origin: 'DOCKER_HOST' };
  }
  const why = await pingEngine(systemSocket);
  if (!why) return { kind: 'found', host: systemSocket, origin: 'system socket' };
  if (process.getuid?.() !== 0)
    return { kind: 'none', reason: `${why}; not root, so no dockerd of our own` };
  if (!onPath('dockerd', daemonPath(env.PATH)))
    return { kind: 'none', reason: `${why}; no dockerd on PATH (apt-get install docker.io)` };
  return { kind: 'startable', why };
}
