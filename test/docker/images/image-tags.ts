import type { DockerCli } from '../docker-cli.ts';

/** True when the engine already has this image (by tag or id). */
export async function imageExists(cli: DockerCli, image: string): Promise<boolean> {
  const result = await cli.run(['image', 'inspect', '--format', '{{.Id}}', image], {
    check: false,
  });
  return result.exitCode === 0;
}

/**
 * Removes the repository's other tags (older content hashes), so the harness engine's
 * data root does not grow by a base image per change. An image still in use stays.
 */
export async function pruneOtherTags(cli: DockerCli, repository: string, keep: string) {
  const tags = (await cli.text(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', repository]))
    .split('\n')
    .filter((tag) => tag && tag !== keep && !tag.endsWith(':<none>'));
  if (tags.length > 0) await cli.run(['image', 'rm', ...tags], { check: false });
}
