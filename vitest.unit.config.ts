import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The tests that need neither the lab (root, namespaces, sshd) nor Redis: the set mutation testing
// runs once per mutant, so it must stay fast and leave nothing behind.
function unitTestFiles(): string[] {
  return readdirSync('test')
    .filter((f) => f.endsWith('.test.ts') && !f.startsWith('pipeline-'))
    .filter((f) => !readFileSync(`test/${f}`, 'utf8').includes('./helpers/lab.js'))
    .map((f) => `test/${f}`);
}

export default defineConfig({
  test: {
    include: unitTestFiles(),
    testTimeout: 60_000,
    // No module reloading between runs: Stryker switches mutants at run time, so the tree is imported
    // once per worker instead of once per mutant (the suite passes this way too).
    isolate: false,
  },
});
