import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { FleetError } from '../errors.js';

/** `fleet config dump [--only-changed]` and `fleet config view`, as ansible-config. */
export function registerConfig(program: Command): void {
  const cmd = program.command('config').description('show the ansible.cfg and ANSIBLE_* settings fleet uses, as ansible-config does');
  cmd
    .command('dump')
    .description('every setting fleet honours with its value and where it came from: NAME(origin) = value')
    .option('--only-changed', 'only the settings not at their default (also --changed-only)')
    .addOption(new Option('--changed-only').hideHelp())
    .action(async (flags: { onlyChanged?: boolean; changedOnly?: boolean }) => {
      const { formatConfigDump, loadConfig } = await import('../config/index.js');
      const config = loadConfig();
      for (const w of config.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
      process.stdout.write(formatConfigDump(config, { onlyChanged: !!(flags.onlyChanged || flags.changedOnly) }));
    });
  cmd
    .command('view')
    .description('print the config file in use')
    .action(async () => {
      const { loadConfig } = await import('../config/index.js');
      const config = loadConfig();
      for (const w of config.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
      if (!config.file) throw new FleetError('NO_CONFIG', 'Invalid or no config file was supplied: none of ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg is there');
      process.stdout.write(readFileSync(config.file, 'utf8'));
    });
}
