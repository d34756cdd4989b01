// Mutation testing over the unit tests (vitest.unit.config.ts); the lab's tests are too slow to run
// per mutant. Run it with `npm run mutation [-- FOLDER...]` (scripts/mutation.sh), which tests one
// folder of src/ at a time: FLEET_MUTATION_FOLDER names it, and each folder keeps its own incremental
// file, so a rerun after a small change tests only the mutants whose code or covering tests changed.
const folder = process.env.FLEET_MUTATION_FOLDER ?? 'all';
const FOLDERS = ['modules', 'inventory', 'template', 'output', 'executor'];
const out = `reports/mutation/${folder}`;
// The TypeScript checker leaves mutants that do not compile out of the score; it costs about twice
// the test runs' CPU. FLEET_MUTATION_CHECKER=0 skips it for a quick first pass (every mutant is run).
const checker = process.env.FLEET_MUTATION_CHECKER !== '0';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  checkers: checker ? ['typescript'] : [],
  // The checker's program holds only the mutated folders and what they import (not the pipeline's
  // heavy type definitions), and allows unused locals: a mutant that leaves a variable unused is a
  // real mutant to kill, not a compile error to leave out of the score.
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: (folder === 'all' ? FOLDERS : [folder]).map((f) => `src/${f}/**/*.ts`),
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true },
  concurrency: 2,
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
