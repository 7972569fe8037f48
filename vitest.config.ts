import { defineConfig } from 'vitest/config';

// e2e tests spawn the built CLI: `npm test` builds first. Two cores: keep the pool small.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
