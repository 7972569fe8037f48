import { runLabel } from '../container.ts';
import type { DockerCli } from '../docker-cli.ts';
import { keyIsAlive } from './process-key.ts';

/** Repository prefix of the images tests build (`keyturn-test/<name>:<run key>`). */
export const testImagePrefix = 'keyturn-test/';

/**
 * Removes the containers, networks, volumes and test images of the runs `doomed` picks (by run key):
 * at teardown the run's own, at setup those of runs that died without tearing down.
 */
export async function removeRunResources(
  cli: DockerCli,
  doomed: (runKey: string) => boolean,
): Promise<void> {
  const listed = async (args: string[]) =>
    (await cli.text(args))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]);
  const containers = await listed([
    'ps',
    '--all',
    '--filter',
    `label=${runLabel}`,
    '--format',
    `{{.ID}} {{.Label "${runLabel}"}}`,
  ]);
  const ids = containers.filter(([, key]) => doomed(key)).map(([id]) => id);
  if (ids.length > 0) await cli.run(['rm', '--force', '--volumes', ...ids], { check: false });
  const networks = await listed([
    'network',
    'ls',
    '--filter',
    `label=${runLabel}`,
    '--format',
    `{{.ID}} {{.Label "${runLabel}"}}`,
  ]);
  const netIds = networks.filter(([, key]) => doomed(key)).map(([id]) => id);
  if (netIds.length > 0) await cli.run(['network', 'rm', ...netIds], { check: false });
  const volumes = await listed([
    'volume',
    'ls',
    '--filter',
    `label=${runLabel}`,
    '--format',
    `{{.Name}} {{.Label "${runLabel}"}}`,
  ]);
  const volumeNames = volumes.filter(([, key]) => doomed(key)).map(([name]) => name);
  if (volumeNames.length > 0)
    await cli.run(['volume', 'rm', '--force', ...volumeNames], { check: false });
  const images = await listed(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}} {{.Tag}}']);
  const tags = images
    .filter(([ref, key]) => ref.startsWith(testImagePrefix) && doomed(key))
    .map(([ref]) => ref);
  if (tags.length > 0) await cli.run(['image', 'rm', ...tags], { check: false });
}

/** Cleans up after runs that crashed: their run key names a process that is gone. */
export function removeDeadRuns(cli: DockerCli): Promise<void> {
  return removeRunResources(cli, (key) => !keyIsAlive(key));
}
