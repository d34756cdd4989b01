/**
 * Start-up benchmark: what running `fleet` costs before any host is reached, against starting node
 * itself. Times `node -e 0`, `fleet --version`, and a one-host no-op play (one `ping` task on
 * localhost over the local connection, and, as root, the same on one lab node over SSH), each run
 * RUNS times one after another; prints the median and the fastest run of each, and each median as a
 * multiple of node's.
 *
 *   node dist/bench/startup.js [runs=15]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp } from '../lab/index.js';

const CLI = join(import.meta.dirname, '..', 'cli', 'main.js');
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

function time(runs: number, args: string[], cwd: string): { median: number; min: number } {
  const took: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    execFileSync(process.execPath, args, { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    took.push(now() - t);
  }
  took.sort((a, b) => a - b);
  return { median: took[Math.floor(took.length / 2)]!, min: took[0]! };
}

function playbook(dir: string, hosts: string, local: boolean): string {
  const path = join(dir, `noop-${hosts}.yml`);
  writeFileSync(path, [`- hosts: ${hosts}`, ...(local ? ['  connection: local'] : []), '  gather_facts: false', '  tasks:', '    - ping:', ''].join('\n'));
  return path;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 15);
  const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-startup-'));
  const rows: [string, { median: number; min: number }][] = [];
  try {
    rows.push(['node -e 0', time(runs, ['-e', '0'], dir)]);
    rows.push(['fleet --version', time(runs, [CLI, '--version'], dir)]);
    rows.push(['fleet play: 1 host, local, 1 ping', time(runs, [CLI, 'play', playbook(dir, 'localhost', true)], dir)]);
    if (process.getuid?.() === 0) {
      const lab = await labUp(1, { name: 'bstart' });
      try {
        time(1, [CLI, 'play', '-i', lab.inventoryPath, playbook(dir, 'node1', false)], dir);
        rows.push(['fleet play: 1 lab node, ssh, 1 ping', time(runs, [CLI, 'play', '-i', lab.inventoryPath, playbook(dir, 'node1', false)], dir)]);
      } finally {
        await labDown({ name: 'bstart' });
      }
    } else {
      process.stdout.write('startup: not root, so no lab node: the SSH row is left out\n');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = rows[0]![1].median;
  process.stdout.write(`startup (${runs} runs each)        median     fastest   median / node's\n`);
  for (const [name, t] of rows) process.stdout.write(`  ${name.padEnd(36)} ${t.median.toFixed(0).padStart(5)} ms  ${t.min.toFixed(0).padStart(5)} ms   ${(t.median / base).toFixed(2)}x\n`);
}

await main();
