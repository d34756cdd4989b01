import { exitCodeFor, runAdhoc } from '../executor/adhoc.js';
import { adhocJsonReporter } from '../output/adhoc-json.js';
import { adhocTextReporter } from '../output/adhoc-text.js';
import { colorWanted } from '../output/color.js';
import { configBanner, connectionOverrides, loadConfigInto, loadFromFlags } from './common-options.js';
import type { CommonFlags } from './options.js';
import { colorFromConfig } from './apply-config.js';
import { configValue } from '../config/index.js';
import { interruptSignal } from './interrupt.js';

export interface RunFlags extends CommonFlags {
  moduleName?: string;
  args?: string;
  oneLine?: boolean;
  check?: boolean;
}

/** `fleet run`, once its flags are parsed: loaded only when the command runs. */
export async function runAdhocCommand(pattern: string, flags: RunFlags, setExit: (code: number) => void): Promise<void> {
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
}
