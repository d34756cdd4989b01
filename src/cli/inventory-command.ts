import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { addInventoryOptions, type CommonFlags } from './options.js';

interface InventoryFlags extends CommonFlags {
  list?: boolean;
  graph?: boolean | string;
  host?: string;
  vars?: boolean;
  export?: boolean;
}

export function registerInventory(program: Command): void {
  const cmd = program
    .command('inventory')
    .description('show the inventory as ansible-inventory does: --list, --graph [group], --host NAME')
    .option('--list', 'all groups, hosts and resolved host vars as JSON')
    .option('--graph [group]', 'a tree of groups and hosts (from all, or the group given)')
    .option('--host <name>', 'one host and its resolved vars as JSON')
    .option('--vars', 'with --graph: show vars too')
    .option('--export', 'with --list: keep group vars on their groups instead of merging them into hosts');
  addInventoryOptions(cmd);
  cmd.action(async (flags: InventoryFlags) => {
    const chosen = [flags.list, flags.graph, flags.host].filter((x) => x !== undefined && x !== false).length;
    if (chosen !== 1) throw new UsageError('choose one of --list, --graph [group] or --host NAME');
    const [{ formatInventoryHost, formatInventoryList, inventoryGraph }, { loadConfigInto, loadFromFlags }] = await Promise.all([
      import('../inventory/index.js'),
      import('./common-options.js'),
    ]);
    loadConfigInto(flags);
    const { inventory } = await loadFromFlags(flags);
    if (flags.list) process.stdout.write(formatInventoryList(inventory, { export: !!flags.export }) + '\n');
    else if (flags.host) process.stdout.write(formatInventoryHost(inventory, flags.host) + '\n');
    else process.stdout.write(inventoryGraph(inventory, typeof flags.graph === 'string' ? flags.graph : 'all', { vars: !!flags.vars }) + '\n');
  });
}
