/** fleet's transport: the only code that opens connections to hosts. */
export type {
  BecomeSpec,
  CommandResult,
  Connection,
  ConnectionSpec,
  GetOptions,
  HostKeyChecking,
  PutOptions,
  RunOptions,
} from './connection.js';
export { SshConnection } from './ssh-connection.js';
export { LocalConnection } from './local-connection.js';
export { ShellConnection, type SessionStats } from './shell-connection.js';
export { ConnectionPool, createConnection } from './pool.js';
export { parseSshArgs, shellSplit, type SshArgs } from './ssh-args.js';
export { resolveSshTarget, parseProxyJump, type SshTarget } from './resolve.js';
export { readSshConfig, type SshConfigValues } from './ssh-config.js';
export {
  checkHostKey,
  fingerprint,
  hashHostName,
  knownHostName,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';
export { shQuote } from './framing.js';
export { keyIsEncrypted } from './auth.js';
