import { describe, expect, it } from 'vitest';
import { moduleNames } from '../src/modules/index.js';
import { caseFiles, decide, readCases, ReplayConnection } from './helpers/module-cases.js';

// Each module's decisions on recorded host states (test/helpers/module-cases.ts says how they are
// kept and recorded): the same probe commands, the same steps, the same check-mode result.
const files = caseFiles();

describe.each(files)('module cases %s', (file) => {
  const cases = readCases(file);
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const connection = new ReplayConnection('node1', c.host ?? []);
    const decided = await decide(c, connection);
    expect(connection.exhausted, 'the probe asked less than was recorded').toBe(true);
    expect(decided).toEqual({ steps: c.steps, ...(c.error !== undefined ? { error: c.error } : { result: c.result }) });
  });
});

// Modules whose decisions are not kept as cases, and why. A new module needs its case file (or a
// place here with the reason); one listed here leaves the list when its file is written.
const CONTROLLER = 'acts on the controller (variables, inventory, the run itself), not on a host: test/play-local*.test.ts';
const WITHOUT_CASES = new Map<string, string>([
  ...['debug', 'set_fact', 'assert', 'fail', 'meta', 'pause', 'include_vars', 'add_host', 'group_by', 'async_status'].map((m) => [m, CONTROLLER] as const),
  ['setup', "the node's facts are its own (addresses, boot time): test/modules-core-facts.test.ts parses recorded ones"],
  ['template', 'renders on the controller with the task variables first: test/modules-files-plans.test.ts and the lab tests'],
  ['script', "reads the script from the controller's files: test/modules-core-lab.test.ts"],
  ['fetch', "writes on the controller: test/modules-text-transfer.test.ts"],
]);

describe('module cases cover the modules', () => {
  it('every module has a case file, or is listed as without one', () => {
    const covered = new Set(files.map((f) => f.replace(/\.yaml$/, '')));
    const missing = moduleNames().filter((m) => !covered.has(m) && !WITHOUT_CASES.has(m));
    expect(missing).toEqual([]);
    expect([...WITHOUT_CASES.keys()].filter((m) => covered.has(m)), 'listed as without cases but has some').toEqual([]);
  });
});
