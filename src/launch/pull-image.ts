import type Dockerode from 'dockerode';
import { UsageError } from '../errors/keyturn-error.ts';
import type { Logger } from '../log/output.ts';
import { DockerUnavailableError } from './launch-errors.ts';
import type { PullPolicy } from './launch-spec.ts';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** `--pull missing|always|never`, as `docker run --pull` means it. */
export async function pullImage(
  docker: Dockerode,
  image: string,
  policy: PullPolicy,
  log: Logger,
): Promise<void> {
  if (policy !== 'always' && (await present(docker, image))) return;
  if (policy === 'never')
    throw new UsageError(`image ${image} is not present in the Docker engine (--pull never)`);
  log.info({ image }, 'pulling the image');
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
        const failed = error ?? events.find((e) => e.error);
        if (failed) reject(failed instanceof Error ? failed : new Error(String(failed.error)));
        else resolve();
      });
    });
  } catch (error) {
    const why = (error as Error).message;
    if (statusOf(error) === 404)
      throw new UsageError(`image ${image} not found: ${why}`, { cause: error });
    throw new DockerUnavailableError(`cannot pull ${image}: ${why}`, { cause: error });
  }
}

async function present(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw new DockerUnavailableError(`cannot inspect image ${image}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
