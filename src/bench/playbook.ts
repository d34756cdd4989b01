/**
 * Playbook benchmark: a 20-task no-change playbook on N lab nodes (default 10) against the raw floor
 * of 20 trivial commands per host on one persistent shell (connection set-up included in both).
 * fleet must stay within 2x of that floor.
 *
 *   node dist/bench/playbook.js [nodes=10] [playbook=bench/noop20.yaml]
 *
 * Starts its own lab named "bench" and stops it at the end (needs root, as the lab does).
 */
import { resolve } from 'node:path';
import { runPlaybook } from '../executor/play/run-playbook.js';
import { loadInventory } from '../inventory/index.js';
import { labDown, labUp, type LabInfo } from '../lab/index.js';
import { loadPlaybook } from '../playbook/index.js';
import { SshConnection } from '../transport/index.js';

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

async function floor(lab: LabInfo, commands: number): Promise<number> {
  const t = now();
  await Promise.all(
    lab.nodes.map(async (node) => {
      const c = new SshConnection({
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
        for (let i = 0; i < commands; i++) await c.run('true');
      } finally {
        await c.close();
      }
    }),
  );
  return now() - t;
}

async function playOnce(lab: LabInfo, file: string): Promise<{ ms: number; changed: number; failed: number }> {
  const inventory = await loadInventory([lab.inventoryPath]);
  const playbook = await loadPlaybook(file);
  const t = now();
  const summary = await runPlaybook({ playbooks: [playbook], inventory, forks: 50, connection: {}, onEvent: () => {} });
  const ms = now() - t;
  const stats = Object.values(summary.stats);
  return { ms, changed: stats.reduce((n, s) => n + s.changed, 0), failed: stats.reduce((n, s) => n + s.failed + s.unreachable, 0) };
}

async function main(): Promise<void> {
  const count = Number.parseInt(process.argv[2] ?? '10', 10) || 10;
  const file = resolve(process.argv[3] ?? 'bench/noop20.yaml');
  console.log(`fleet playbook bench: ${file} on ${count} lab nodes`);
  const lab = await labUp(count, { name: 'bench' });
  let failed = false;
  try {
    const converge = await playOnce(lab, file);
    console.log(`first run (converges): ${converge.ms.toFixed(0)} ms, ${converge.changed} changed, ${converge.failed} failed`);
    const floors: number[] = [];
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      floors.push(await floor(lab, 20));
      const r = await playOnce(lab, file);
      if (r.changed || r.failed) {
        console.log(`FAIL: the second run changed ${r.changed} and failed ${r.failed}: the playbook is not idempotent`);
        failed = true;
      }
      runs.push(r.ms);
    }
    const best = (xs: number[]): number => Math.min(...xs);
    const ratio = best(runs) / best(floors);
    console.log(`raw floor, 20 \`true\` per host on one shell (best of 3): ${best(floors).toFixed(0)} ms`);
    console.log(`fleet play, no-change run (best of 3):               ${best(runs).toFixed(0)} ms  (runs: ${runs.map((r) => r.toFixed(0)).join(', ')})`);
    console.log(`ratio: ${ratio.toFixed(2)}x (target: within 2x)`);
    if (ratio > 2) {
      console.log('FAIL: more than 2x the floor');
      failed = true;
    }
  } finally {
    await labDown({ name: 'bench' });
  }
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? ((e as { describe?: () => string }).describe?.() ?? e.message) : e);
  process.exitCode = 1;
});
