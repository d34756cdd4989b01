import { createRequire } from 'node:module';
import type Ssh2 from 'ssh2';

const require = createRequire(import.meta.url);
let loaded: typeof Ssh2 | undefined;

/**
 * ssh2, loaded by the first SSH connection rather than at start-up: a run on local connections or a
 * command that reaches no host never pays for it.
 */
export function ssh2(): typeof Ssh2 {
  loaded ??= require('ssh2') as typeof Ssh2;
  return loaded;
}
