// Mutation testing over the unit tests (vitest.unit.config.ts); the lab's tests are too slow to run
// per mutant. Run it with `npm run mutation [-- FOLDER...]` (scripts/mutation.sh), which tests one
// folder of src/ at a time: FLEET_MUTATION_FOLDER names it, and each folder keeps its own incremental
// file, so a rerun after a small change tests only the mutants whose code or covering tests changed.
const folder = process.env.FLEET_MUTATION_FOLDER ?? 'all';
const FOLDERS = ['modules', 'inventory', 'template', 'output', 'executor'];
// A folder too big for one sitting is measured in parts: FLEET_MUTATION_PART is a glob inside the
// folder (`filters/**/*.ts`, `[a-f]*.ts`); each part keeps its own incremental file and report under
// reports/mutation/FOLDER/parts/, and scripts/mutation-score.mjs adds the parts up.
const part = process.env.FLEET_MUTATION_PART;
const out = part ? `reports/mutation/${folder}/parts/${part.replace(/[^A-Za-z0-9.-]+/g, '_')}` : `reports/mutation/${folder}`;
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
  mutate: part ? [`src/${folder}/${part}`] : (folder === 'all' ? FOLDERS : [folder]).map((f) => `src/${f}/**/*.ts`),
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
