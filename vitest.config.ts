import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Lab tests share one fleet of namespaces per file; files run one at a time so two files never
    // fight over the bridge and node names.
    fileParallelism: false,
    pool: 'forks',
  },
});
