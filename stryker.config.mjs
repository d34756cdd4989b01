// Mutation testing: `npm run mutation` (all folders) or `npm run mutation -- --mutate 'src/output/**/*.ts'`.
// Runs the unit tests only (vitest.unit.config.ts); the lab's tests are too slow to run per mutant.
// Incremental: a rerun tests only the mutants whose code or covering tests changed since the last one.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'src/modules/**/*.ts',
    'src/inventory/**/*.ts',
    'src/template/**/*.ts',
    'src/output/**/*.ts',
    'src/executor/**/*.ts',
  ],
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  concurrency: 2,
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
