import type { Command } from 'commander';
import { exitCodeFor, runAdhoc } from '../executor/adhoc.js';
import { adhocJsonReporter } from '../output/adhoc-json.js';
import { adhocTextReporter } from '../output/adhoc-text.js';
import { colorWanted } from '../output/color.js';
import { addConnectionOptions, addInventoryOptions, configBanner, connectionOverrides, loadConfigInto, loadFromFlags, type CommonFlags } from './common-options.js';
import { colorFromConfig } from './apply-config.js';
import { configValue } from '../config/index.js';
import { interruptSignal } from './interrupt.js';

interface RunFlags extends CommonFlags {
  moduleName?: string;
  args?: string;
  oneLine?: boolean;
  check?: boolean;
}

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
    const config = loadConfigInto(flags);
    if (flags.verbose > 0 && flags.output !== 'json') process.stdout.write(configBanner(config));
    const { inventory, extraVars } = await loadFromFlags(flags, pattern);
    const connection = await connectionOverrides(flags);
    const onEvent =
      flags.output === 'json'
        ? adhocJsonReporter((t) => process.stdout.write(t))
        : adhocTextReporter({
            write: (t) => process.stdout.write(t),
            writeErr: (t) => process.stderr.write(t),
            color: colorFromConfig(config, colorWanted(process.stdout)),
            oneLine: !!flags.oneLine,
            verbosity: flags.verbose,
          });
    const summary = await runAdhoc({
      inventory,
      pattern,
      limit: flags.limit,
      module: flags.moduleName ?? configValue<string>(config, 'DEFAULT_MODULE_NAME'),
      args: flags.args ?? '',
      forks: flags.forks!,
      connection,
      extraVars,
      checkMode: !!flags.check,
      onEvent,
      signal: interruptSignal(),
      cwd: process.cwd(),
    });
    setExit(exitCodeFor(summary));
  });
}
