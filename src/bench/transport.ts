/**
 * Transport benchmark: per-command cost of fleet's persistent shell against a fresh ssh exec channel
 * per command, on the same connection, for N lab nodes in parallel (connection set-up shown apart).
 *
 *   node dist/bench/transport.js [nodes=3] [commands=20]
 *
 * Starts its own lab named "bench" and stops it at the end (needs root, as the lab does).
 */
import { labDown, labUp, type LabInfo } from '../lab/index.js';
import { SshConnection } from '../transport/index.js';

interface HostFigures {
  host: string;
  connectMs: number;
  shellStartMs: number;
  fleetMs: number;
  execMs: number;
  channels: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const fmt = (ms: number): string => ms.toFixed(1).padStart(8);

async function benchHost(lab: LabInfo, index: number, commands: number): Promise<HostFigures> {
  const node = lab.nodes[index];
  const c = new SshConnection({
    host: node.name,
    kind: 'ssh',
    address: node.address,
    port: 22,
    user: 'root',
    privateKeyFiles: [lab.privateKeyPath],
    knownHostsFiles: [lab.knownHostsPath],
    hostKeyChecking: 'strict',
    timeoutSec: 10,
    agent: '',
    sshConfigFile: false,
  });
  try {
    let t = now();
    await c.connect();
    const connectMs = now() - t;
    t = now();
    await c.run('true');
    const shellStartMs = now() - t;

    t = now();
    for (let i = 0; i < commands; i++) {
      const r = await c.run('true');
      if (r.rc !== 0) throw new Error(`true failed on ${node.name}`);
    }
    const fleetMs = now() - t;

    t = now();
    for (let i = 0; i < commands; i++) {
      const r = await c.execOnNewChannel('true');
      if (r.rc !== 0) throw new Error(`true (exec channel) failed on ${node.name}`);
    }
    const execMs = now() - t;
    const channels = c.sessionStats().reduce((n, s) => n + s.channelsOpened, 0);
    return { host: node.name, connectMs, shellStartMs, fleetMs, execMs, channels };
  } finally {
    await c.close();
  }
}

async function main(): Promise<void> {
  const count = Number.parseInt(process.argv[2] ?? '3', 10) || 3;
  const commands = Number.parseInt(process.argv[3] ?? '20', 10) || 20;
  console.log(`fleet transport bench: ${count} lab nodes, ${commands} sequential \`true\` per host, hosts in parallel`);
  const t0 = now();
  const lab = await labUp(count, { name: 'bench' });
  console.log(`lab "bench" up in ${((now() - t0) / 1000).toFixed(1)}s`);
  let failed = false;
  try {
    const t = now();
    const figures = await Promise.all(lab.nodes.map((_, i) => benchHost(lab, i, commands)));
    const wall = now() - t;
    console.log('');
    console.log('host        connect ms  shell start  fleet total  fleet/cmd  exec-chan total  exec/cmd  speed-up');
    for (const f of figures) {
      console.log(
        `${f.host.padEnd(10)} ${fmt(f.connectMs)}   ${fmt(f.shellStartMs)}    ${fmt(f.fleetMs)}   ${fmt(f.fleetMs / commands)}   ${fmt(
          f.execMs,
        )}       ${fmt(f.execMs / commands)}   ${(f.execMs / f.fleetMs).toFixed(1).padStart(5)}x`,
      );
    }
    const perCmd = Math.max(...figures.map((f) => f.fleetMs / commands));
    const execPerCmd = Math.max(...figures.map((f) => f.execMs / commands));
    console.log('');
    console.log(`fleet persistent shell: ${perCmd.toFixed(2)} ms per command (slowest host; target < 20 ms)`);
    console.log(`fresh exec channel:     ${execPerCmd.toFixed(2)} ms per command (slowest host)`);
    console.log(`shell channels opened per host: ${figures.map((f) => f.channels).join(', ')}; wall time ${wall.toFixed(0)} ms`);
    if (perCmd >= 20) {
      console.log('FAIL: over the 20 ms per command target');
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
