import { fileURLToPath } from 'node:url';
import type { DockerHarness } from '../docker-harness.ts';

/**
 * For the beforeAll that builds it: a first build (`npm ci`, the single executable) takes
 * minutes on a loaded machine, longer when two test files build it at once.
 */
export const buildTimeoutMs = 900_000;

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The repo's Dockerfile, built from source as a user builds it: the build stage runs
 * `npm ci` (host network: the engine here has no bridge) and `npm run build:sea` on the
 * local node 24 base; the runtime stage, the single executable, lands on the glibc base. TESTS=skip: the classic builder would
 * otherwise run the unit suite inside the build (`--target test` is for CI images).
 * The engine caches the layers, so after the first build only `npm run build:sea` runs again.
 */
export function buildKeyturnImage(docker: DockerHarness): Promise<string> {
  return docker.build({
    name: 'keyturn',
    context: repoRoot,
    network: 'host',
    buildArgs: { BASE: docker.images.glibc, BUILD_BASE: docker.images.node24, TESTS: 'skip' },
  });
}
