import type { Command } from 'commander';
import { addConnectionOptions, addInventoryOptions } from './options.js';
import type { PlayFlags } from './play-action.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((t) => t.trim()).filter(Boolean)];

export function registerPlay(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('play')
    .description('run Ansible-style playbooks')
    .argument('<playbook...>', 'playbook files')
    .option('-C, --check', "don't make any changes; predict what would change")
    .option('-D, --diff', 'show the differences in changed files and state')
    .option('-t, --tags <tags>', 'only run plays and tasks tagged with these values (repeatable, comma-separated)', collect, [])
    .option('--skip-tags <tags>', 'skip plays and tasks tagged with these values', collect, [])
    .option('--start-at-task <name>', 'start the playbook at the task matching this name')
    .option('--step', 'one-step-at-a-time: confirm each task before running')
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--list-hosts', 'list the hosts each play would run on, and stop')
    .option('--list-tasks', 'list all tasks that would be executed, and stop')
    .option('--list-tags', 'list all available tags, and stop')
    .option('--syntax-check', 'check the playbooks (and every module and parameter) without running them')
    .option('--strict', "refuse the run for any task's own problem too (a module fleet lacks, a bad parameter), not only for structure errors");
  addInventoryOptions(cmd, ['text', 'json', 'json-events', 'yaml', 'minimal']);
  addConnectionOptions(cmd);
  cmd.action(async (files: string[], flags: PlayFlags) => {
    const { runPlayCommand } = await import('./play-action.js');
    await runPlayCommand(files, flags, setExit);
  });
}
