import type { Command } from 'commander';
import { FleetError } from '../errors.js';
import { addConnectionOptions, addInventoryOptions } from './common-options.js';

export function registerPlay(program: Command): void {
  const cmd = program
    .command('play')
    .description('run Ansible-style playbooks')
    .argument('<playbook...>', 'playbook files')
    .option('-C, --check', "don't make any changes; predict what would change")
    .option('-D, --diff', 'show the differences in changed files and state');
  addInventoryOptions(cmd);
  addConnectionOptions(cmd);
  cmd.action(async () => {
    throw new FleetError('NOT_IMPLEMENTED', 'fleet play is not available in this version yet', {
      hint: 'ad-hoc commands work today: fleet run all -i INVENTORY -a "uptime"',
    });
  });
}
