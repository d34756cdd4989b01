/**
 * Records module cases on a real lab node (root): for each case of test/fixtures/module-cases/*.yaml
 * (or of the files named), runs its `setup` on the node, then the module in check mode through a
 * recording connection, and writes back what the probe asked and the node answered, the plan's steps
 * and the check-mode result. Read the diff of the fixtures before committing it: what is recorded is
 * what the test then requires.
 *
 *   npx vite-node test/helpers/record-module-cases.ts [apt.yaml ...]
 *
 * The node is a fresh lab node ("rec"), started and stopped here.
 */
import { labDown, labUp } from '../../src/lab/index.js';
import { SshConnection } from '../../src/transport/index.js';
import { caseFiles, decide, readCases, RecordingConnection, writeCases } from './module-cases.js';

const files = process.argv.slice(2).length ? process.argv.slice(2) : caseFiles();
const lab = await labUp(1, { name: 'rec' });
const node = lab.nodes[0]!;
const connection = new SshConnection({
  host: node.name,
  kind: 'ssh',
  address: node.address,
  user: 'root',
  privateKeyFiles: [lab.privateKeyPath],
  knownHostsFiles: [lab.knownHostsPath],
  hostKeyChecking: 'strict',
  agent: '',
  sshConfigFile: false,
});
try {
  for (const file of files) {
    const cases = readCases(file);
    for (const c of cases) {
      if (c.setup) {
        const r = await connection.run(c.setup);
        if (r.rc !== 0) throw new Error(`${file}: ${c.name}: setup failed (rc ${r.rc}): ${r.stderr.toString('utf8')}`);
      }
      const recording = new RecordingConnection(connection);
      try {
        const decided = await decide(c, recording);
        delete c.result;
        delete c.error;
        Object.assign(c, { host: recording.exchanges }, decided);
      } catch (error) {
        throw new Error(`${file}: ${c.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    writeCases(file, cases);
    process.stdout.write(`${file}: ${cases.length} case(s) recorded\n`);
  }
} finally {
  await connection.close();
  await labDown({ name: 'rec' });
}
