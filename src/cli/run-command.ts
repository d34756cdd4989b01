import type { Command } from 'commander';
import { addConnectionOptions, addInventoryOptions } from './options.js';
import type { RunFlags } from './run-action.js';

export function registerRun(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('run')
    .description('run one module (default: command) on every host matching a pattern, in parallel')
    .argument('<pattern>', 'host pattern: all, a group, a host, a:b, a:&b, a:!b, web*, ~regex, group[0]')
    .option('-m, --module-name <name>', 'module to run (default command, or module_name in ansible.cfg)')
    .option('-a, --args <args>', 'module arguments (free-form for command/shell/raw, else k=v or JSON)')
    .option('-o, --one-line', 'condense output to one line per host')
    .option('-C, --check', "don't make any changes; predict what would change");
  addInventoryOptions(cmd);
  addConnectionOptions(cmd);
  cmd.action(async (pattern: string, flags: RunFlags) => {
    const { runAdhocCommand } = await import('./run-action.js');
    await runAdhocCommand(pattern, flags, setExit);
  });
}
