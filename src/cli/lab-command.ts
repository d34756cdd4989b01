import { Command, InvalidArgumentError } from 'commander';
import { LabError } from '../errors.js';

// The lab's code (namespaces, sshd, overlays) is imported only when a lab command runs.
interface LabFlags {
  name: string;
}

function nodeCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('the node count must be a whole number from 1 to 200');
  return n;
}

export function registerLab(program: Command): void {
  const cmd = program
    .command('lab')
    .description('a real fleet of OpenSSH nodes on this Linux machine (network, mount, uts and pid namespaces; needs root)');
  const nameOption = (c: Command): Command => c.option('--name <name>', 'lab name, so several labs can run at once', 'fleet');

  nameOption(cmd.command('up').description('start N nodes (idempotent: adds nodes to a running lab)').argument('[count]', 'number of nodes', nodeCount, 3)).action(
    async (count: number, flags: LabFlags) => {
      const started = Date.now();
      const info = await (await import('../lab/index.js')).labUp(count, { name: flags.name });
      process.stdout.write(`lab ${info.name}: ${info.nodes.length} node(s) up in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
      for (const node of info.nodes) process.stdout.write(`  ${node.name}\t${node.address}\n`);
      process.stdout.write(`inventory: ${info.inventoryPath}\ntry: fleet run all -i ${info.inventoryPath} -a hostname\n`);
    },
  );

  nameOption(cmd.command('down').description('stop every node and remove all the lab made')).action(async (flags: LabFlags) => {
    await (await import('../lab/index.js')).labDown({ name: flags.name });
    process.stdout.write(`lab ${flags.name}: down\n`);
  });

  nameOption(cmd.command('status').description('nodes, addresses and whether each sshd runs')).action(async (flags: LabFlags) => {
    const status = await (await import('../lab/index.js')).labStatus({ name: flags.name });
    if (!status) {
      process.stdout.write(`lab ${flags.name}: not running\n`);
      return;
    }
    process.stdout.write(`lab ${status.info.name}: ${status.info.nodes.length} node(s), subnet ${status.info.subnet}\n`);
    for (const node of status.info.nodes) process.stdout.write(`  ${node.name}\t${node.address}\t${status.running[node.name] ? 'running' : 'DOWN'}\n`);
  });

  nameOption(
    cmd
      .command('volumes')
      .description('give every client node (all but node1) a data volume, as the fleet_data_device of the lab inventory')
      .option('--size <MB>', 'size of each new volume in MB', (v: string) => Number.parseInt(v, 10), 256),
  ).action(async (flags: LabFlags & { size: number }) => {
    const devices = await (await import('../lab/index.js')).labClientVolumes(flags.size, { name: flags.name });
    for (const [node, device] of Object.entries(devices)) process.stdout.write(`  ${node}\t${device}\n`);
  });

  nameOption(cmd.command('inventory').description("print the path of the lab's inventory file")).action(async (flags: LabFlags) => {
    const status = await (await import('../lab/index.js')).labStatus({ name: flags.name });
    if (!status) throw new LabError(`lab ${flags.name} is not running`, { hint: `start it with: fleet lab up 5${flags.name === 'fleet' ? '' : ` --name ${flags.name}`}` });
    process.stdout.write(`${status.info.inventoryPath}\n`);
  });
}
