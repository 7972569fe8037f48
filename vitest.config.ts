import { configDefaults, defineConfig } from 'vitest/config';

// e2e tests spawn the built CLI: `npm test` builds first. Two cores: keep the pool small.
// Two projects so that the Docker harness (test/docker/global-setup.ts: engine, base
// images) is set up only when a Docker test file is in the run: vitest runs a project's
// globalSetup only for projects with files to run.
export default defineConfig({
  test: {
    // Hang bounds, not margins: no test asserts how fast anything ran (see README, Tests on a
    // busy machine); a node start-up alone can take seconds at a load average of 20.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/docker/**'],
          // Files share their worker's module cache: the test server and its engines are
          // loaded once per worker, not once per file (import was ~40% of the suite's time).
          // No test mocks modules or changes process-wide state, so nothing leaks between files.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'docker',
          include: ['test/docker/**/*.test.ts'],
          globalSetup: ['test/docker/global-setup.ts'],
          // Image builds and `docker stop` of a container that ignores SIGTERM take seconds.
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
