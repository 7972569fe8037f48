import type Dockerode from 'dockerode';
import type { Logger } from '../log/output.ts';
import { containerOptions, type VaultHandover } from './container-options.ts';
import { DockerUnavailableError } from './launch-errors.ts';
import type { LaunchSpec } from './launch-spec.ts';
import { waitForContainer } from './wait-container.ts';

export interface LaunchDeps {
  docker: Dockerode;
  log: Logger;
  signal: AbortSignal;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const dockerFailed = (what: string, error: unknown) =>
  new DockerUnavailableError(`${what}: ${(error as Error).message}`, { cause: error });

/**
 * Creates and starts the container with the handover in its environment, and with
 * `--replace NAME` makes the new one take the old one's place: start the new container
 * (under the name, the old one moved aside), wait for it, then remove the old one — or,
 * with `--stop-first`, remove the old one before starting. Either way exactly one
 * container is left: the new one when it came up, the old one (renamed back) when not.
 */
export async function runLaunch(
  spec: LaunchSpec,
  handover: VaultHandover,
  deps: LaunchDeps,
): Promise<Dockerode.Container> {
  const old = spec.replace === undefined ? undefined : await find(deps.docker, spec.replace);
  const name = spec.name ?? spec.replace;
  let aside: string | undefined;
  if (old && spec.stopFirst) {
    await removeContainer(
      old,
      deps.log,
      'stopped and removed the old container first (--stop-first)',
      true,
    );
  } else if (old && name === spec.replace) {
    aside = `${spec.replace}-replaced-${Date.now().toString(36)}`;
    await old.rename({ name: aside }).catch((error: unknown) => {
      throw dockerFailed(`cannot move ${spec.replace} aside`, error);
    });
  }
  let container: Dockerode.Container | undefined;
  try {
    container = await deps.docker
      .createContainer(containerOptions(spec, handover, name))
      .catch((error: unknown) => {
        throw dockerFailed('cannot create the container', error);
      });
    await container.start().catch((error: unknown) => {
      throw dockerFailed('cannot start the container', error);
    });
    deps.log.info(
      { container: container.id.slice(0, 12), name, image: spec.image, role: handover.role },
      'started the container',
    );
    // Replacing implies waiting: the old container goes only once the new one is up.
    if (spec.wait || (old && !spec.stopFirst)) {
      const how = await waitForContainer(container, {
        timeoutMs: spec.waitTimeoutMs,
        signal: deps.signal,
      });
      deps.log.info({ container: container.id.slice(0, 12), state: how }, 'the container is up');
    }
  } catch (error) {
    // The old container stays in service: the new one goes, the old one gets its name back.
    if (old && !spec.stopFirst) {
      if (container)
        await removeContainer(container, deps.log, 'removed the new container that failed');
      if (aside) await old.rename({ name: spec.replace as string }).catch(() => undefined);
    }
    throw error;
  }
  if (old && !spec.stopFirst)
    await removeContainer(old, deps.log, 'stopped and removed the replaced container', true);
  return container;
}

async function find(docker: Dockerode, name: string): Promise<Dockerode.Container | undefined> {
  try {
    const { Id } = await docker.getContainer(name).inspect();
    // By ID, not name: once it is moved aside the name belongs to the new container.
    return docker.getContainer(Id);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw dockerFailed(`cannot inspect ${name}`, error);
  }
}

async function removeContainer(
  container: Dockerode.Container,
  log: Logger,
  message: string,
  graceful = false,
) {
  try {
    // A container in service gets its stop signal and 10 s, as `docker stop` gives it.
    if (graceful) await container.stop({ t: 10 }).catch(() => undefined);
    await container.remove({ force: true, v: true });
    log.info({ container: container.id.slice(0, 12) }, message);
  } catch (error) {
    if (statusOf(error) !== 404) throw dockerFailed('cannot remove a container', error);
  }
}
