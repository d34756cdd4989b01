import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { runPlaybook } from '../executor/play/run-playbook.js';
import type { StepAnswer } from '../executor/play/runtime.js';
import { exitCodeFor } from '../executor/adhoc.js';
import type { TaskRef } from '../executor/events.js';
import { selectHosts } from '../inventory/index.js';
import { PlaybookError, formatListing, loadPlaybook } from '../playbook/index.js';
import type { Playbook } from '../playbook/model.js';
import { colorWanted } from '../output/color.js';
import { playJsonReporter } from '../output/play-json.js';
import { playTextReporter } from '../output/play-text.js';
import { addConnectionOptions, addInventoryOptions, connectionOverrides, loadFromFlags, type CommonFlags } from './common-options.js';
import { interruptSignal } from './interrupt.js';
import { varsPrompter } from './prompt.js';

interface PlayFlags extends CommonFlags {
  check?: boolean;
  diff?: boolean;
  tags: string[];
  skipTags: string[];
  startAtTask?: string;
  step?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  strict?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((t) => t.trim()).filter(Boolean)];

async function askStep(task: TaskRef): Promise<StepAnswer> {
  if (!process.stdin.isTTY) throw new UsageError('--step needs a terminal to ask on');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const answer = (await rl.question(`Perform task: TASK: ${task.role ? `${task.role} : ` : ''}${task.name} (N)o/(y)es/(c)ontinue: `)).trim().toLowerCase();
      if (answer === 'y' || answer === 'yes') return 'yes';
      if (answer === 'c' || answer === 'continue') return 'continue';
      if (answer === '' || answer === 'n' || answer === 'no') return 'no';
    }
  } finally {
    rl.close();
  }
}

function formatHostList(playbooks: Playbook[], lookup: (pattern: string) => string[]): string {
  const lines: string[] = [];
  for (const pb of playbooks) {
    lines.push(`playbook: ${pb.file}`, '');
    pb.plays.forEach((play, i) => {
      const hosts = lookup(play.hosts);
      lines.push(`  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${(play.tags ?? []).join(',')}]`, `    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`);
      for (const h of hosts) lines.push(`      ${h}`);
      lines.push('');
    });
  }
  return lines.join('\n');
}

/** ANSIBLE_RETRY_FILES_ENABLED / FLEET_RETRY_FILES_ENABLED: write PLAYBOOK.retry with the failed hosts (off by default, as in Ansible). */
function writeRetryFile(playbook: string, hosts: string[]): string | undefined {
  const enabled = process.env.FLEET_RETRY_FILES_ENABLED ?? process.env.ANSIBLE_RETRY_FILES_ENABLED;
  if (!enabled || !['1', 'true', 'yes', 'on'].includes(enabled.toLowerCase()) || !hosts.length) return undefined;
  const dir = process.env.FLEET_RETRY_FILES_SAVE_PATH ?? process.env.ANSIBLE_RETRY_FILES_SAVE_PATH ?? dirname(playbook);
  const path = join(dir, `${basename(playbook).replace(/\.ya?ml$/, '')}.retry`);
  writeFileSync(path, hosts.join('\n') + '\n');
  return path;
}

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
    .option('--list-hosts', 'list the hosts each play would run on, and stop')
    .option('--list-tasks', 'list all tasks that would be executed, and stop')
    .option('--list-tags', 'list all available tags, and stop')
    .option('--syntax-check', 'check the playbooks (and every module and parameter) without running them')
    .option('--strict', "refuse the run for any task's own problem too (a module fleet lacks, a bad parameter), not only for structure errors");
  addInventoryOptions(cmd);
  addConnectionOptions(cmd);
  cmd.action(async (files: string[], flags: PlayFlags) => {
    const playbooks: Playbook[] = [];
    const warn = (w: string) => process.stderr.write(`[WARNING]: ${w}\n`);
    for (const file of files) {
      try {
        playbooks.push(await loadPlaybook(resolve(file), { strict: !!flags.strict }));
      } catch (error) {
        // Every problem is reported, the tasks' own ones (warnings) with the ones that refuse the run.
        if (error instanceof PlaybookError) error.warnings.forEach(warn);
        throw error;
      }
    }
    for (const pb of playbooks) (pb.warnings ?? []).forEach(warn);
    if (flags.syntaxCheck) {
      for (const file of files) process.stdout.write(`\nplaybook: ${file}\n`);
      return;
    }
    if (flags.listTasks || flags.listTags) {
      playbooks.forEach((pb, i) =>
        process.stdout.write(formatListing(pb, { tasks: !!flags.listTasks, tags: !!flags.listTags, only: flags.tags, skip: flags.skipTags, path: files[i]! }) + '\n'),
      );
      return;
    }
    const { inventory, extraVars } = await loadFromFlags(flags);
    if (flags.listHosts) {
      process.stdout.write(formatHostList(playbooks, (p) => selectHosts(inventory, p, flags.limit, { cwd: process.cwd() }).hosts) + '\n');
      return;
    }
    const connection = await connectionOverrides(flags);
    const onEvent =
      flags.output === 'json'
        ? playJsonReporter((t) => process.stdout.write(t))
        : playTextReporter({
            write: (t) => process.stdout.write(t),
            writeErr: (t) => process.stderr.write(t),
            color: colorWanted(process.stdout),
            verbosity: flags.verbose,
            diff: !!flags.diff,
            checkMode: !!flags.check,
          });
    const prompter = varsPrompter();
    const summary = await runPlaybook({
      playbooks,
      inventory,
      limit: flags.limit,
      extraVars,
      forks: flags.forks,
      connection,
      checkMode: !!flags.check,
      diffMode: !!flags.diff,
      tags: { only: flags.tags, skip: flags.skipTags },
      ...(flags.startAtTask ? { startAtTask: flags.startAtTask } : {}),
      strict: !!flags.strict,
      ...(flags.step ? { step: askStep } : {}),
      ...(prompter ? { prompt: prompter } : {}),
      onEvent,
      signal: interruptSignal(),
      cwd: process.cwd(),
    });
    const retry = writeRetryFile(resolve(files[files.length - 1]!), summary.failedHosts);
    if (retry && flags.output !== 'json') process.stderr.write(`\tto retry, use: --limit @${retry}\n`);
    setExit(exitCodeFor(summary));
  });
}
