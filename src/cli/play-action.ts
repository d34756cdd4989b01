import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { FleetError, UsageError } from '../errors.js';
import { runPlaybook } from '../executor/play/run-playbook.js';
import type { StepAnswer } from '../executor/play/runtime.js';
import { exitCodeFor } from '../executor/adhoc.js';
import type { EventSink, TaskRef } from '../executor/events.js';
import { selectHosts } from '../inventory/index.js';
import { PlaybookError, formatListing, loadPlaybook } from '../playbook/index.js';
import type { Playbook } from '../playbook/model.js';
import { colorWanted } from '../output/color.js';
import { playJsonReporter } from '../output/play-json.js';
import { playJsonDocumentReporter } from '../output/play-json-document.js';
import { playTextReporter } from '../output/play-text.js';
import { playMinimalReporter } from '../output/play-minimal.js';
import { timingReporter } from '../output/timings.js';
import { playSettings, type PlaySettings } from './apply-config.js';
import { configBanner, connectionOverrides, loadConfigInto, loadFromFlags } from './common-options.js';
import type { CommonFlags } from './options.js';
import { interruptSignal } from './interrupt.js';
import { varsPrompter } from './prompt.js';

export interface PlayFlags extends CommonFlags {
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
  forceHandlers?: boolean;
}

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

/**
 * retry_files_enabled: write PLAYBOOK.retry with the failed and unreachable hosts, sorted as Ansible
 * 2.14 writes them (off by default, as in Ansible 2.14).
 */
function writeRetryFile(playbook: string, hosts: string[], retry: PlaySettings['retryFiles']): string | undefined {
  if (!retry.enabled || !hosts.length) return undefined;
  const path = join(retry.savePath ?? dirname(playbook), `${basename(playbook).replace(/\.ya?ml$/, '')}.retry`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, [...new Set(hosts)].sort().join('\n') + '\n');
  return path;
}

function reporterFor(flags: PlayFlags, settings: PlaySettings): EventSink {
  const write = (t: string) => process.stdout.write(t);
  const color = settings.color;
  let sink: EventSink;
  if (settings.output === 'json') sink = playJsonDocumentReporter(write);
  else if (settings.output === 'json-events') sink = playJsonReporter(write);
  else if (settings.output === 'minimal') sink = playMinimalReporter({ write, writeErr: (t) => process.stderr.write(t), color, diff: settings.diff });
  else {
    sink = playTextReporter({
      write,
      writeErr: (t) => process.stderr.write(t),
      color,
      verbosity: flags.verbose,
      diff: settings.diff,
      checkMode: !!flags.check,
      results: settings.output === 'yaml' ? 'yaml' : 'json',
      showSkipped: settings.showSkipped,
      checkModeMarkers: settings.checkModeMarkers,
    });
  }
  if (!settings.profileTasks && !settings.timer) return sink;
  const timings = timingReporter({ write, profileTasks: settings.profileTasks, timer: settings.timer, verbosity: flags.verbose });
  // Ansible's aggregate callbacks print after the stdout callback: under the banner, after the recap.
  return (event) => {
    sink(event);
    timings(event);
  };
}

/** `fleet play`, once its flags are parsed: loaded only when the command runs. */
export async function runPlayCommand(files: string[], flags: PlayFlags, setExit: (code: number) => void): Promise<void> {
  const config = loadConfigInto(flags);
  const settings = playSettings(flags, config, colorWanted(process.stdout));
  const warn = (w: string) => process.stderr.write(`[WARNING]: ${w}\n`);
  settings.warnings.forEach(warn);
  if (flags.verbose > 0 && (settings.output === 'text' || settings.output === 'yaml')) process.stdout.write(configBanner(config));
  const playbooks: Playbook[] = [];
  for (const file of files) {
    try {
      playbooks.push(await loadPlaybook(resolve(file), { strict: !!flags.strict, rolesPath: settings.rolesPath }));
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
      process.stdout.write(formatListing(pb, { tasks: !!flags.listTasks, tags: !!flags.listTags, only: settings.tags.only, skip: settings.tags.skip, path: files[i]! }) + '\n'),
    );
    return;
  }
  const { inventory, extraVars } = await loadFromFlags(flags, 'all');
  if (flags.limit.length && inventory.hosts.size > 0) {
    // As ansible-playbook: a --limit that leaves no host at all stops before any play (an
    // inventory without hosts has been warned about already).
    const limited = selectHosts(inventory, 'all', flags.limit, { cwd: process.cwd() });
    if (!limited.hosts.length) {
      for (const part of limited.unmatched) warn(`Could not match supplied host pattern, ignoring: ${part}`);
      throw new FleetError('NO_HOSTS', 'Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
    }
  }
  if (flags.listHosts) {
    process.stdout.write(formatHostList(playbooks, (p) => selectHosts(inventory, p, flags.limit, { cwd: process.cwd() }).hosts) + '\n');
    return;
  }
  const connection = await connectionOverrides(flags);
  const onEvent = reporterFor(flags, settings);
  const prompter = varsPrompter();
  const summary = await runPlaybook({
    playbooks,
    inventory,
    limit: flags.limit,
    extraVars,
    forks: flags.forks!,
    connection,
    checkMode: !!flags.check,
    diffMode: settings.diff,
    gathering: settings.gathering,
    tags: settings.tags,
    ...(flags.startAtTask ? { startAtTask: flags.startAtTask } : {}),
    strict: !!flags.strict,
    forceHandlers: settings.forceHandlers,
    verbosity: flags.verbose,
    ...(flags.step ? { step: askStep } : {}),
    ...(prompter ? { prompt: prompter } : {}),
    onEvent,
    signal: interruptSignal(),
    cwd: process.cwd(),
  });
  const retry = writeRetryFile(resolve(files[files.length - 1]!), summary.failedHosts, settings.retryFiles);
  if (retry && settings.output !== 'json' && settings.output !== 'json-events') process.stderr.write(`\tto retry, use: --limit @${retry}\n`);
  setExit(exitCodeFor(summary));
}
