#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { FleetError } from '../errors.js';
import { exitCodeForError } from './exit-codes.js';
import { registerConfig } from './config-command.js';
import { registerInventory } from './inventory-command.js';
import { registerLab } from './lab-command.js';
import { registerPlay } from './play-command.js';
import { registerRun } from './run-command.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('fleet')
    .description('Ansible-style, agentless fleet runner over SSH')
    .version(version(), '--version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerPlay(program, (code) => (exitCode = code));
  registerRun(program, (code) => (exitCode = code));
  registerInventory(program);
  registerLab(program);
  registerConfig(program);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof FleetError) {
      process.stderr.write(`ERROR! ${error.describe()}\n`);
      return exitCodeForError(error);
    }
    process.stderr.write(`ERROR! unexpected: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 250;
  }
}

// `fleet ... | head` closes the pipe early: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
