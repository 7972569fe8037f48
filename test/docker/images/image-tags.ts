import type { DockerCli } from '../docker-cli.ts';

/** True when the engine already has this image (by tag or id). */
export async function imageExists(cli: DockerCli, image: string): Promise<boolean> {
  const result = await cli.run(['image', 'inspect', '--format', '{{.Id}}', image], {
    check: false,
  });
  return result.exitCode === 0;
}

/** Other tags younger than this stay: branches with another recipe may be using them now. */
const keepYoungerThanMs = 12 * 3600_000;

/**
 * Removes the repository's other tags (older content hashes) once they are half a day old,
 * so the harness engine's data root does not grow by a base image per change. Younger ones
 * stay: on a shared engine, runs of branches whose recipes differ would otherwise evict each
 * other's images at every setup (and with them every layer cached on top). An image still
 * in use stays too.
 */
export async function pruneOtherTags(cli: DockerCli, repository: string, keep: string) {
  const listing = await cli.text([
    'image',
    'ls',
    '--format',
    '{{.Repository}}:{{.Tag}} {{.CreatedAt}}',
    repository,
  ]);
  const tags = listing
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([tag, day, time, zone]) => {
      if (!tag || tag === keep || tag.endsWith(':<none>')) return false;
      const created = Date.parse(
        `${day}T${time}${zone?.replace(/^(\+|-)(\d\d)(\d\d)$/, '$1$2:$3')}`,
      );
      return Number.isNaN(created) || Date.now() - created > keepYoungerThanMs;
    })
    .map(([tag]) => tag as string);
  if (tags.length > 0) await cli.run(['image', 'rm', ...tags], { check: false });
}
